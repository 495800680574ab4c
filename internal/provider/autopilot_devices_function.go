package provider

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

var _ function.Function = autopilotDevicesFunction{}

// autopilotDevicesFunction is provider::partnercenter::autopilot_devices: a
// partner's Autopilot CSV file as the devices of partnercenter_device_batch.
// The parsing is partnercenter.ParseAutopilotCSV; this maps it to Terraform.
type autopilotDevicesFunction struct{}

func newAutopilotDevicesFunction() function.Function {
	return autopilotDevicesFunction{}
}

// Metadata implements function.Function.
func (autopilotDevicesFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "autopilot_devices"
}

// autopilotDevicesDescription is the function's description; the plain-text
// one drops the Markdown's backticks.
const autopilotDevicesDescription = "Reads the CSV file `Get-WindowsAutopilotInfo` writes (columns `Device Serial Number`, " +
	"`Windows Product ID`, `Hardware Hash`), its `-Partner` form or Partner Center's device upload template (both add " +
	"`Manufacturer name` and `Device model`) into a map of devices keyed by serial number (by product key for a " +
	"row without one), each an object with `hardware_hash`, `serial_number`, `product_key` (from `Windows Product ID`), " +
	"`oem_manufacturer_name` and `model_name`: what the `devices` argument of `partnercenter_device_batch` takes. Plans then " +
	"name each device added or removed by its serial number.\n\n" +
	"Column headers are matched case-insensitively and in any order; other columns are ignored. The `Group Tag` and " +
	"`Assigned User` columns that `Get-WindowsAutopilotInfo -GroupTag` and `-AssignedUser` add are read and dropped: Partner " +
	"Center has no field for them (Intune does: import the same file there to use them). Cells follow RFC 4180 quoting and " +
	"lose surrounding spaces; an empty cell is null. CRLF line ends are accepted. Blank lines, and rows whose cells are all " +
	"empty, are skipped. Files of several runs joined into one, as `cat` joins them, are read as one: a row repeating the " +
	"header, after a byte order mark or not, is skipped.\n\n" +
	"Pass the file as `file(\"devices.csv\")` when it is UTF-8, or as `filebase64(\"devices.csv\")` in any encoding Windows " +
	"tools write: UTF-8 with or without a byte order mark, or UTF-16 (little- or big-endian) with one. Windows PowerShell " +
	"5.1, the default on Windows, writes `Get-WindowsAutopilotInfo`'s file in UTF-16 LE, which `file()` refuses " +
	"(\"are not valid UTF-8; use the filebase64 function\"): use `filebase64()` for it.\n\n" +
	"The call fails, naming the line and column, on a row whose hardware hash is not one line of base64 (a line break inside a " +
	"quoted hash is refused, not uploaded; a line that reads as the rest of the hash above, cut by a line break, is named), a row that identifies no device (a device needs a hardware hash, a product key, or a " +
	"serial number with its manufacturer name and model), a row with neither serial number nor product key to key it by, a device " +
	"listed twice (the same serial number, product key or hardware hash: the error names both lines), a row with more " +
	"or fewer cells than the header, a header that names none of the columns above or one of them twice, a header further down " +
	"unlike the first (files of other columns joined into one), a file with a header " +
	"and no device rows, an empty file, and a file in another encoding (UTF-16 without a byte order mark, Windows-1252). " +
	"Lines are counted from the file's first, the header's, with the line breaks inside quoted cells.\n\n" +
	"Provider functions need Terraform 1.8 or OpenTofu 1.7, or later."

// Definition implements function.Function.
func (autopilotDevicesFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary:             "Reads an Autopilot hardware hash CSV file into the devices of partnercenter_device_batch",
		Description:         strings.ReplaceAll(autopilotDevicesDescription, "`", ""),
		MarkdownDescription: autopilotDevicesDescription,
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "csv",
				Description:         `The CSV file's content, file("devices.csv"), or the file in base64, filebase64("devices.csv"), for a file in UTF-16.`,
				MarkdownDescription: "The CSV file's content, `file(\"devices.csv\")`, or the file in base64, `filebase64(\"devices.csv\")`, for a file in UTF-16.",
			},
		},
		Return: function.MapReturn{ElementType: deviceObjectType()},
	}
}

// Run implements function.Function.
func (autopilotDevicesFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var csv string
	resp.Error = req.Arguments.Get(ctx, &csv)
	if resp.Error != nil {
		return
	}
	devices, err := parseAutopilotDevices(csv)
	if err != nil {
		// On the argument, so that Terraform points at the file's expression.
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	// By hand, as the resource builds its devices: reflection costs more
	// than the parsing for thousands of devices.
	values := make(map[string]attr.Value, len(devices))
	for _, d := range devices {
		values[d.Key] = deviceValue(d.Device)
	}
	resp.Error = resp.Result.Set(ctx, types.MapValueMust(deviceObjectType(), values))
}

// parseAutopilotDevices reads the devices of csv, the file as file() or
// filebase64() reads it. The two cannot be mistaken for each other: a CSV
// file's header holds spaces and commas, and base64 never does.
func parseAutopilotDevices(csv string) ([]partnercenter.AutopilotDevice, error) {
	if csv != "" && !strings.ContainsAny(csv, " ,\r\n") {
		if data, err := base64.StdEncoding.DecodeString(csv); err == nil {
			return partnercenter.ParseAutopilotCSVFile(data)
		}
	}
	return partnercenter.ParseAutopilotCSV(strings.NewReader(csv))
}
