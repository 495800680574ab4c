package provider

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// devicesOutput declares output "devices" as the function's result for the
// CSV file at path, read with file() as users read theirs.
func devicesOutput(path string) string {
	return fmt.Sprintf(`
output "devices" {
  value = provider::partnercenter::autopilot_devices(file(%q))
}
`, path)
}

// deviceCheck checks one device of the function's result; an empty value
// must be null.
func deviceCheck(hash, serial, productKey, manufacturer, model string) knownvalue.Check {
	value := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"hardware_hash":         value(hash),
		"serial_number":         value(serial),
		"product_key":           value(productKey),
		"oem_manufacturer_name": value(manufacturer),
		"model_name":            value(model),
	})
}

func expectDevicesOutput(devices map[string]knownvalue.Check) []statecheck.StateCheck {
	return []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("devices", knownvalue.MapExact(devices))}
}

// TestAccAutopilotDevices_function calls the function as Terraform does, on
// files of both formats: Get-WindowsAutopilotInfo's, written by Windows
// tools with a byte order mark and CRLF, and Partner Center's template, with
// its headers reordered and in other cases, quoted cells and blank rows.
// Devices are keyed by serial number, else product key.
func TestAccAutopilotDevices_function(t *testing.T) {
	autopilot := writeFile(t, "devices.csv", []byte("\xef\xbb\xbfDevice Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User\r\n"+
		"SN-1,00330-80000-00000-AA111,"+hardwareHash("SN-1")+",Sales,anna@contoso.com\r\n"+
		"SN-2,,"+hardwareHash("SN-2")+",,\r\n"))
	portal := writeFile(t, "devices.csv", []byte(strings.Join([]string{
		`device model,HARDWARE HASH,Device Serial Number,Manufacturer Name,Windows Product ID`,
		`"Laptop ""Pro"" 7",,SN-3,"Contoso, Ltd.",`,
		``,
		`,,,,`,
		`,,,,PK-4`,
	}, "\n")))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: devicesOutput(autopilot),
				ConfigStateChecks: expectDevicesOutput(map[string]knownvalue.Check{
					"SN-1": deviceCheck(hardwareHash("SN-1"), "SN-1", "00330-80000-00000-AA111", "", ""),
					"SN-2": deviceCheck(hardwareHash("SN-2"), "SN-2", "", "", ""),
				}),
			},
			{
				Config: devicesOutput(portal),
				ConfigStateChecks: expectDevicesOutput(map[string]knownvalue.Check{
					"SN-3": deviceCheck("", "SN-3", "", "Contoso, Ltd.", `Laptop "Pro" 7`),
					"PK-4": deviceCheck("", "", "PK-4", "", ""),
				}),
			},
		},
	})
}

// TestAccAutopilotDevices_errors checks that Terraform shows the function's
// errors, with their line and column, on the call's argument.
func TestAccAutopilotDevices_errors(t *testing.T) {
	const header = "Device Serial Number,Windows Product ID,Hardware Hash\n"
	for name, tc := range map[string]struct {
		csv  string
		want string
	}{
		"bad hash": {
			csv:  header + "SN-1,," + hardwareHash("SN-1") + "\nSN-2,,not-base64!\n",
			want: `line 3, column "Hardware Hash": the hardware hash is not base64, the form Get-WindowsAutopilotInfo writes it in`,
		},
		// Go's base64 decoder would skip the line break; the function
		// refuses the hash rather than have it uploaded with it.
		"a line break inside a quoted hash": {
			csv:  header + "SN-1,,\"" + hardwareHash("SN-1")[:8] + "\n" + hardwareHash("SN-1")[8:] + "\"\n",
			want: `line 2, column "Hardware Hash": the hardware hash holds white space or a line break inside it`,
		},
		"the same device twice": {
			csv:  header + "SN-1,," + hardwareHash("SN-1") + "\nSN-2,," + hardwareHash("SN-2") + "\nSN-1,," + hardwareHash("SN-1 again") + "\n",
			want: `line 4, column "Device Serial Number": the device of line 2 again: the same serial number "SN-1"; list each device once`,
		},
		"no identification": {
			csv:  header + ",PK-1,\n\nSN-2,,\n",
			want: `line 4, column "Manufacturer name": no such column, and a device needs a hardware hash, a product key, or a serial number with its OEM manufacturer name and model name`,
		},
		"too few cells": {
			csv:  header + "SN-1\n",
			want: `line 2, column "Windows Product ID": no cell: the row has 1 cell and the header 3 columns`,
		},
		// A batch is created with its first devices: a file without any
		// is a mistake, said of the file rather than of the map.
		"header only": {
			csv:  "Device Serial Number,Windows Product ID,Hardware Hash\r\n",
			want: `line 1: the CSV lists no device: this line is its header, with no rows under it; add a row for each device`,
		},
		"no recognised column": {
			csv: "Serial,Hash\nSN-1," + hardwareHash("SN-1") + "\n",
			want: `line 1: the header names none of the columns "Device Serial Number", "Windows Product ID", "Hardware Hash", ` +
				`"Manufacturer name", "Device model" (in any case and order); it has "Serial", "Hash"`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories(nil),
				Steps: []resource.TestStep{{
					Config: devicesOutput(writeFile(t, "devices.csv", []byte(tc.csv))),
					// The argument's error names the parameter; the
					// message is wrapped to the terminal's width.
					ExpectError: errorPattern(`Invalid value for "csv" parameter: ` + regexp.QuoteMeta(tc.want)),
				}},
			})
		})
	}
}

// fixture is the absolute path of a CSV file of testdata/autopilot, written
// as the tools partners use write it (see its README).
func fixture(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "partnercenter", "testdata", "autopilot", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// fixtureHash is the hardware hash of serial in testdata/autopilot.
func fixtureHash(serial string) string {
	const size = 2900
	phrase := "hardware hash of " + serial + ";"
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(phrase, size/len(phrase)+1)[:size]))
}

// TestAccAutopilotDevices_filebase64 reads, through filebase64(), the files
// file() refuses: Get-WindowsAutopilotInfo's, which Windows PowerShell 5.1
// writes in UTF-16 LE, two of them joined with cat, and its -Partner form; and files file() reads as
// well, such as Partner Center's template saved by Excel as UTF-8 with a
// byte order mark. A file in UTF-16 without a byte order mark is refused
// with how to save it.
func TestAccAutopilotDevices_filebase64(t *testing.T) {
	output := func(function, path string) string {
		return fmt.Sprintf(`
output "devices" {
  value = provider::partnercenter::autopilot_devices(%s(%q))
}
`, function, path)
	}
	surface := func(serial string) knownvalue.Check {
		return deviceCheck(fixtureHash(serial), serial, "", "Microsoft Corporation", "Surface Laptop 5")
	}
	template := map[string]knownvalue.Check{
		"R90XK2L1":                deviceCheck("", "R90XK2L1", "", "Lenovo, Inc.", "ThinkPad T14 Gen 4"),
		"R90XK2L2":                deviceCheck("", "R90XK2L2", "", "Lenovo, Inc.", "ThinkPad T14 Gen 4"),
		"00330-80000-00000-AA222": deviceCheck("", "", "00330-80000-00000-AA222", "", ""),
		"5CD1234XYZ":              deviceCheck(fixtureHash("5CD1234XYZ"), "5CD1234XYZ", "", "HP", "EliteBook 840 G10"),
	}
	noBOM := writeFile(t, "devices.csv", []byte("D\x00,\x00\r\x00\n\x00"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: output("filebase64", fixture(t, "get-windowsautopilotinfo.csv")),
				ConfigStateChecks: expectDevicesOutput(map[string]knownvalue.Check{
					"PF3ABC01": deviceCheck(fixtureHash("PF3ABC01"), "PF3ABC01", "", "", ""),
					"PF3ABC02": deviceCheck(fixtureHash("PF3ABC02"), "PF3ABC02", "00330-80000-00000-AA111", "", ""),
					"PF3ABC03": deviceCheck(fixtureHash("PF3ABC03"), "PF3ABC03", "", "", ""),
				}),
			},
			{
				// Two runs joined with cat: the second's byte order mark
				// and header, on line 5, are skipped.
				Config: output("filebase64", fixture(t, "get-windowsautopilotinfo-joined.csv")),
				ConfigStateChecks: expectDevicesOutput(map[string]knownvalue.Check{
					"PF3ABC01": deviceCheck(fixtureHash("PF3ABC01"), "PF3ABC01", "", "", ""),
					"PF3ABC02": deviceCheck(fixtureHash("PF3ABC02"), "PF3ABC02", "00330-80000-00000-AA111", "", ""),
					"PF3ABC03": deviceCheck(fixtureHash("PF3ABC03"), "PF3ABC03", "", "", ""),
					"PF3ABC04": deviceCheck(fixtureHash("PF3ABC04"), "PF3ABC04", "", "", ""),
					"PF3ABC05": deviceCheck(fixtureHash("PF3ABC05"), "PF3ABC05", "", "", ""),
				}),
			},
			{
				Config: output("filebase64", fixture(t, "get-windowsautopilotinfo-partner.csv")),
				ConfigStateChecks: expectDevicesOutput(map[string]knownvalue.Check{
					"0F3A2B1C4D5E": surface("0F3A2B1C4D5E"),
					"0F3A2B1C4D5F": surface("0F3A2B1C4D5F"),
				}),
			},
			{
				Config:            output("filebase64", fixture(t, "partner-center-template.csv")),
				ConfigStateChecks: expectDevicesOutput(template),
			},
			{
				Config:            output("file", fixture(t, "partner-center-template.csv")),
				ConfigStateChecks: expectDevicesOutput(template),
			},
			{
				Config: output("filebase64", noBOM),
				ExpectError: errorPattern(`Invalid value for "csv" parameter: the file holds NUL bytes, as UTF-16 without a byte order ` +
					`mark does; save it as UTF-8, or as UTF-16 with a byte order mark \(Windows PowerShell writes one\)`),
			},
		},
	})
}

// TestAccAutopilotDevices_deviceBatch uploads the devices of a CSV file with
// partnercenter_device_batch, then plans again with no change: the
// function's nulls are what the resource keeps in state. Then the devices
// of a file in UTF-16 replace them.
func TestAccAutopilotDevices_deviceBatch(t *testing.T) {
	em := newUploadEmulator(t)
	csv := writeFile(t, "devices.csv", []byte("Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model\r\n"+
		"SN-1,,"+hardwareHash("SN-1")+",,\r\n"+
		"SN-2,,,Contoso,Laptop 7\r\n"))
	config := em.userProviderConfig() + fmt.Sprintf(`
resource "partnercenter_device_batch" "test" {
  customer_id = %q
  batch_id    = "From CSV"
  devices     = provider::partnercenter::autopilot_devices(file(%q))
}
`, emulator.SeedCustomerID, csv)
	powerShell := strings.Replace(config, fmt.Sprintf("file(%q)", csv),
		fmt.Sprintf("filebase64(%q)", fixture(t, "get-windowsautopilotinfo.csv")), 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories(nil),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectBatch("devices", knownvalue.MapExact(map[string]knownvalue.Check{
						"SN-1": deviceCheck(hardwareHash("SN-1"), "SN-1", "", "", ""),
						"SN-2": deviceCheck("", "SN-2", "", "Contoso", "Laptop 7"),
					})),
					uploadedSerials("SN-1", "SN-2"),
				},
				Check: expectHeld(em, "From CSV", "SN-1", "SN-2"),
			},
			{
				Config:   config,
				PlanOnly: true,
			},
			// The file Windows PowerShell 5.1 writes, in UTF-16, in place
			// of the first.
			{
				Config: powerShell,
				Check:  expectHeld(em, "From CSV", "PF3ABC01", "PF3ABC02", "PF3ABC03"),
			},
			{
				Config:   powerShell,
				PlanOnly: true,
			},
		},
	})
}
