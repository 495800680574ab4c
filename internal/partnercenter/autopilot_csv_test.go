package partnercenter_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// Hardware hashes in base64, as Get-WindowsAutopilotInfo writes them.
var (
	hashA = base64.StdEncoding.EncodeToString([]byte("hardware hash of device A"))
	hashB = base64.StdEncoding.EncodeToString([]byte("hardware hash of device B"))
	// hash4K is as long as a real hash.
	hash4K = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("hardware hash of a real device ", 100)))
)

// csvLines joins lines with LF and ends the file with one.
func csvLines(lines ...string) string {
	return strings.Join(lines, "\n") + "\n"
}

func TestParseAutopilotCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  string
		want []partnercenter.Device
	}{
		{
			name: "Get-WindowsAutopilotInfo",
			csv: csvLines("Device Serial Number,Windows Product ID,Hardware Hash",
				"SN-A,00330-80000-00000-AA111,"+hashA,
				"SN-B,,"+hashB),
			want: []partnercenter.Device{
				{SerialNumber: "SN-A", ProductKey: "00330-80000-00000-AA111", HardwareHash: hashA},
				{SerialNumber: "SN-B", HardwareHash: hashB},
			},
		},
		{
			name: "Get-WindowsAutopilotInfo with group tag and assigned user, ignored",
			csv: csvLines("Device Serial Number,Windows Product ID,Hardware Hash,Group Tag,Assigned User",
				"SN-A,,"+hashA+",Sales,anna@contoso.com"),
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}},
		},
		{
			name: "Partner Center's portal template",
			csv: csvLines("Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model",
				"SN-A,,"+hashA+",Contoso,Laptop 7",
				"SN-B,,,Contoso,Laptop 7",
				",PK-C,,,"),
			want: []partnercenter.Device{
				{SerialNumber: "SN-A", HardwareHash: hashA, OEMManufacturerName: "Contoso", ModelName: "Laptop 7"},
				{SerialNumber: "SN-B", OEMManufacturerName: "Contoso", ModelName: "Laptop 7"},
				{ProductKey: "PK-C"},
			},
		},
		{
			name: "headers in another order and case, with spaces, among unknown columns",
			csv: csvLines("Notes, device MODEL ,MANUFACTURER NAME,hardware hash,Group Tag,device serial number",
				"spare,Laptop 7,Contoso,"+hashA+",Sales,SN-A"),
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA, OEMManufacturerName: "Contoso", ModelName: "Laptop 7"}},
		},
		{
			name: "quoted cells with commas, quotes and a line break",
			csv: csvLines(`"Device Serial Number","Hardware Hash","Manufacturer name","Device model"`,
				`"SN-A","`+hashA+`","Contoso, Ltd.","Laptop ""Pro"" 7"`,
				`SN-B,,"Fabrikam`, `Inc.",Tablet`),
			want: []partnercenter.Device{
				{SerialNumber: "SN-A", HardwareHash: hashA, OEMManufacturerName: "Contoso, Ltd.", ModelName: `Laptop "Pro" 7`},
				{SerialNumber: "SN-B", OEMManufacturerName: "Fabrikam\nInc.", ModelName: "Tablet"},
			},
		},
		{
			name: "byte order mark and CRLF",
			csv:  "\xef\xbb\xbfDevice Serial Number,Windows Product ID,Hardware Hash\r\nSN-A,," + hashA + "\r\nSN-B,," + hashB + "\r\n",
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}, {SerialNumber: "SN-B", HardwareHash: hashB}},
		},
		{
			// Two files joined with cat: the second's byte order mark and
			// header in the middle, as each of Get-WindowsAutopilotInfo's
			// runs writes them.
			name: "files joined: the header again, after a byte order mark",
			csv: "\xef\xbb\xbfDevice Serial Number,Windows Product ID,Hardware Hash\r\nSN-A,," + hashA + "\r\n" +
				"\xef\xbb\xbfDevice Serial Number,Windows Product ID,Hardware Hash\r\nSN-B,," + hashB + "\r\n",
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}, {SerialNumber: "SN-B", HardwareHash: hashB}},
		},
		{
			name: "the header again, quoted, in another case and spacing, on any line",
			csv: csvLines("Device Serial Number,Hardware Hash",
				"\xef\xbb\xbf\"device serial number\", HARDWARE HASH ",
				"SN-A,"+hashA,
				"",
				"Device Serial Number,Hardware Hash",
				"SN-B,"+hashB,
				"Device Serial Number,Hardware Hash"),
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}, {SerialNumber: "SN-B", HardwareHash: hashB}},
		},
		{
			name: "no line end after the last row",
			csv:  "Device Serial Number,Hardware Hash\nSN-A," + hashA,
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}},
		},
		{
			name: "spaces around cells dropped, a cell of spaces empty",
			csv: csvLines("Device Serial Number,Windows Product ID,Hardware Hash",
				"  SN-A ,   , "+hashA+"\t"),
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}},
		},
		{
			name: "blank lines and rows of empty cells skipped",
			csv: csvLines("",
				"Device Serial Number,Windows Product ID,Hardware Hash",
				"",
				",,",
				"SN-A,,"+hashA,
				"   ",
				` ,"", `,
				"",
				"SN-B,,"+hashB,
				",,"),
			want: []partnercenter.Device{{SerialNumber: "SN-A", HardwareHash: hashA}, {SerialNumber: "SN-B", HardwareHash: hashB}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parsed, err := partnercenter.ParseAutopilotCSV(strings.NewReader(tc.csv))
			if err != nil {
				t.Fatalf("ParseAutopilotCSV: %v", err)
			}
			got := make([]partnercenter.Device, len(parsed))
			for i, d := range parsed {
				got[i] = d.Device
				want := d.SerialNumber
				if want == "" {
					want = d.ProductKey
				}
				if d.Key != want {
					t.Errorf("device %d keyed %q, want %q", i, d.Key, want)
				}
			}
			if parsed == nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseAutopilotCSV =\n%#v\nwant\n%#v", got, tc.want)
			}
		})
	}
}

func TestParseAutopilotCSVErrors(t *testing.T) {
	const autopilotHeader = "Device Serial Number,Windows Product ID,Hardware Hash"
	const portalHeader = autopilotHeader + ",Manufacturer name,Device model"
	const noIdentification = "a device needs a hardware hash, a product key, or a serial number with its OEM manufacturer name and model name"
	for _, tc := range []struct {
		name string
		csv  string
		want string
		// line and column are the error's place; is is what it wraps.
		line   int
		column string
		is     error
	}{
		{
			name: "hardware hash not base64",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "SN-B,,not-base64!"),
			want: `line 3, column "Hardware Hash": the hardware hash is not base64, the form Get-WindowsAutopilotInfo writes it in`,
			line: 3, column: "Hardware Hash", is: partnercenter.ErrHardwareHashNotBase64,
		},
		{
			name: "hardware hash not base64, column named as the file writes it",
			csv:  csvLines(" hardware HASH ,device serial number", hashA[:len(hashA)-1]+",SN-A"),
			want: `line 2, column "hardware HASH": the hardware hash is not base64, the form Get-WindowsAutopilotInfo writes it in`,
			line: 2, column: "hardware HASH", is: partnercenter.ErrHardwareHashNotBase64,
		},
		{
			name: "line numbers count the lines of a quoted cell",
			csv:  csvLines("Device Serial Number,Hardware Hash,Device model", "SN-A,"+hashA+`,"Laptop`, `7"`, "SN-B,AAA,Laptop 7"),
			want: `line 4, column "Hardware Hash": the hardware hash is not base64`,
			line: 4, column: "Hardware Hash", is: partnercenter.ErrHardwareHashNotBase64,
		},
		{
			// Go's base64 decoder skips line breaks; Partner Center would
			// take them as part of the hash.
			name: "a line break inside a quoted hardware hash",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, `SN-B,,"`+hashB[:8], hashB[8:]+`"`),
			want: `line 3, column "Hardware Hash": the hardware hash holds white space or a line break inside it; ` +
				`a hardware hash is one line of base64, as Get-WindowsAutopilotInfo writes it`,
			line: 3, column: "Hardware Hash", is: partnercenter.ErrHardwareHashWhiteSpace,
		},
		{
			name: "the same serial number twice",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "SN-B,,"+hashB, "", "SN-A,,"+hash4K),
			want: `line 5, column "Device Serial Number": the device of line 2 again: the same serial number "SN-A"; list each device once`,
			line: 5, column: "Device Serial Number",
		},
		{
			name: "the same hardware hash under another serial number",
			csv:  csvLines("hardware hash,device serial number", hashA+",SN-A", hashA+",SN-B"),
			want: `line 3, column "hardware hash": the device of line 2 again: the same hardware hash; list each device once`,
			line: 3, column: "hardware hash",
		},
		{
			name: "a product key that is another row's serial number",
			csv:  csvLines(autopilotHeader, "X-1,,"+hashA, ",X-1,"),
			want: `line 3, column "Device Serial Number": the key "X-1" of this device, its serial number or product key, is the key of the device of line 2`,
			line: 3, column: "Device Serial Number",
		},
		{
			name: "a hardware hash alone, nothing to key it by",
			csv:  csvLines("Hardware Hash", hashA),
			want: `line 2, column "Device Serial Number": no such column, and the row has no Windows Product ID either: a device of ` +
				`the CSV is keyed in devices by its serial number, else its product key`,
			line: 2, column: "Device Serial Number",
		},
		{
			name: "no identification at all",
			csv:  csvLines(autopilotHeader+",Group Tag", "SN-A,,"+hashA+",Sales", ",,,Sales"),
			want: `line 3, column "Hardware Hash": empty, and ` + noIdentification,
			line: 3, column: "Hardware Hash", is: partnercenter.ErrNoIdentification,
		},
		{
			name: "serial number without the manufacturer column",
			csv:  csvLines(autopilotHeader, "SN-A,,"),
			want: `line 2, column "Manufacturer name": no such column, and ` + noIdentification,
			line: 2, column: "Manufacturer name", is: partnercenter.ErrNoIdentification,
		},
		{
			name: "serial number and manufacturer without a model",
			csv:  csvLines(portalHeader, "SN-A,,,Contoso,Laptop 7", "", "SN-B,,,Contoso,"),
			want: `line 4, column "Device model": empty, and ` + noIdentification,
			line: 4, column: "Device model", is: partnercenter.ErrNoIdentification,
		},
		{
			name: "no hardware hash column",
			csv:  csvLines("Windows Product ID,Group Tag", "PK-A,Sales", ",Sales"),
			want: `line 3, column "Hardware Hash": no such column, and ` + noIdentification,
			line: 3, column: "Hardware Hash", is: partnercenter.ErrNoIdentification,
		},
		{
			name: "too few cells",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "SN-B,"),
			want: `line 3, column "Hardware Hash": no cell: the row has 2 cells and the header 3 columns`,
			line: 3, column: "Hardware Hash",
		},
		{
			// The header of a file of other columns, joined to the first.
			name: "a header again, unlike the first",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "", autopilotHeader+",Group Tag", "SN-B,,"+hashB+",Sales"),
			want: `line 4: a header unlike the file's, of line 1: files joined into one need the same columns, in the same order; ` +
				`this one has "Device Serial Number", "Windows Product ID", "Hardware Hash", "Group Tag"`,
			line: 4,
		},
		{
			name: "a header again, its columns in another order",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "Hardware Hash,Device Serial Number,Windows Product ID", hashB+",SN-B,"),
			want: `line 3: a header unlike the file's, of line 1: files joined into one need the same columns, in the same order; ` +
				`this one has "Hardware Hash", "Device Serial Number", "Windows Product ID"`,
			line: 3,
		},
		{
			// An editor's wrap, or a copy from a terminal, cuts a 4 KB hash.
			name: "a hardware hash wrapped onto the next line",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "SN-B,,"+hash4K[:70], hash4K[70:], "SN-C,,"+hashB),
			want: `line 3, column "Hardware Hash": the hardware hash seems wrapped onto line 4, which reads as its rest, not as a row; ` +
				`put each hash on one line, as Get-WindowsAutopilotInfo writes it`,
			line: 3, column: "Hardware Hash",
		},
		{
			name: "a hardware hash wrapped over three lines",
			csv:  "Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-A,," + hash4K[:70] + "\r\n" + hash4K[70:150] + "\r\n" + hash4K[150:] + "\r\n",
			want: `line 2, column "Hardware Hash": the hardware hash seems wrapped onto line 3, which reads as its rest, not as a row`,
			line: 2, column: "Hardware Hash",
		},
		{
			// The row's other cells follow the hash onto the next line.
			name: "a hardware hash wrapped onto the next line, columns after it",
			csv:  csvLines(portalHeader, "SN-A,,"+hash4K[:100], hash4K[100:]+",Contoso,Laptop 7"),
			want: `line 2, column "Hardware Hash": the hardware hash seems wrapped onto line 3, which reads as its rest, not as a row`,
			line: 2, column: "Hardware Hash",
		},
		{
			// A hash that ends with its padding does not go on.
			name: "a row of one cell after a whole hardware hash",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hashA, "SNB"),
			want: `line 3, column "Windows Product ID": no cell: the row has 1 cell and the header 3 columns`,
			line: 3, column: "Windows Product ID",
		},
		{
			// A blank line between them: the row is not the hash's rest.
			name: "a row of one cell of base64 after a blank line",
			csv:  csvLines(autopilotHeader, "SN-A,,"+hash4K[:70], "", hash4K[70:]),
			want: `line 2, column "Hardware Hash": the hardware hash is not base64`,
			line: 2, column: "Hardware Hash", is: partnercenter.ErrHardwareHashNotBase64,
		},
		{
			name: "too many cells",
			csv:  "Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-A,," + hashA + ",Sales\r\n",
			want: `line 2, column 4: the row has 4 cells and the header 3 columns`,
			line: 2,
		},
		{
			name: "too many cells for a header of one column",
			csv:  csvLines("Windows Product ID", "PK-A", "PK-B,Sales"),
			want: `line 3, column 2: the row has 2 cells and the header 1 column`,
			line: 3,
		},
		{
			name: "no recognised column",
			csv:  csvLines("Serial,ProductKey,Hash", "SN-A,,"+hashA),
			want: `line 1: the header names none of the columns "Device Serial Number", "Windows Product ID", "Hardware Hash", ` +
				`"Manufacturer name", "Device model" (in any case and order); it has "Serial", "ProductKey", "Hash"`,
			line: 1,
		},
		{
			name: "no header line",
			csv:  csvLines("", "SN-A,,"+hash4K+",Sales,anna@contoso.com,x,y"),
			want: `line 2: the header names none of the columns "Device Serial Number", "Windows Product ID", "Hardware Hash", ` +
				`"Manufacturer name", "Device model" (in any case and order); it has "SN-A", "", "` + hash4K[:40] + `…", "Sales", ` +
				`"anna@contoso.com", "x", and 1 more`,
			line: 2,
		},
		{
			name: "a recognised column twice",
			csv:  csvLines("Hardware Hash,Device Serial Number,hardware hash", hashA+",SN-A,"+hashA),
			want: `line 1, column "hardware hash": the header names "Hardware Hash" twice, in columns 1 and 3; keep one`,
			line: 1, column: "hardware hash",
		},
		{
			name: "header only",
			csv:  "Device Serial Number,Windows Product ID,Hardware Hash\r\n",
			want: `line 1: the CSV lists no device: this line is its header, with no rows under it; ` +
				`add a row for each device, as Get-WindowsAutopilotInfo writes them`,
			line: 1, is: partnercenter.ErrNoDevices,
		},
		{
			name: "header only, after blank lines, then rows of empty cells",
			csv:  csvLines("", "Device Serial Number,Windows Product ID,Hardware Hash", "", ",,", " , ,"),
			want: `line 2: the CSV lists no device: this line is its header, with 2 rows under it, each of empty cells; add a row`,
			line: 2, is: partnercenter.ErrNoDevices,
		},
		{
			name: "empty",
			csv:  "",
			want: `the CSV is empty: it needs a header line, such as "Device Serial Number,Windows Product ID,Hardware Hash"`,
		},
		{
			name: "byte order mark and blank lines only",
			csv:  "\xef\xbb\xbf\r\n\r\n",
			want: `the CSV is empty: it needs a header line`,
		},
		{
			name: "bare quote",
			csv:  csvLines(autopilotHeader, `SN-"A",,`+hashA),
			want: `line 2: bare " in non-quoted-field at byte 4; a cell holding a comma, quote or line break is enclosed in double quotes, ` +
				`and a double quote inside it is doubled (RFC 4180)`,
			line: 2,
		},
		{
			name: "quote never closed",
			csv:  csvLines(autopilotHeader, `"SN-A,,`+hashA, "SN-B,,"+hashB),
			want: `line 2: extraneous or missing " in quoted-field on line 3, byte 44; a cell holding`,
			line: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			devices, err := partnercenter.ParseAutopilotCSV(strings.NewReader(tc.csv))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("ParseAutopilotCSV = %v, %v; want the error\n%s", devices, err, tc.want)
			}
			if devices != nil {
				t.Errorf("ParseAutopilotCSV returned %v with its error, want none", devices)
			}
			var csvErr *partnercenter.AutopilotCSVError
			if !errors.As(err, &csvErr) {
				t.Fatalf("error %T, want an *AutopilotCSVError", err)
			}
			if csvErr.Line != tc.line || csvErr.Column != tc.column {
				t.Errorf("error at line %d, column %q; want line %d, column %q", csvErr.Line, csvErr.Column, tc.line, tc.column)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
		})
	}
}

// TestParseAutopilotCSVReadError passes on a failure to read, rather than
// taking it for the end of the file.
func TestParseAutopilotCSVReadError(t *testing.T) {
	broken := errors.New("disk on fire")
	_, err := partnercenter.ParseAutopilotCSV(iotest.ErrReader(broken))
	if !errors.Is(err, broken) {
		t.Errorf("ParseAutopilotCSV = %v, want %v", err, broken)
	}
}

// FuzzParseAutopilotCSV feeds the parser arbitrary files: it must never
// panic, every device it returns must be identified, and every error must
// say where it is, except for an empty file.
func FuzzParseAutopilotCSV(f *testing.F) {
	f.Add(csvLines("Device Serial Number,Windows Product ID,Hardware Hash", "SN-A,,"+hashA))
	f.Add("\xef\xbb\xbfHardware Hash,Device model,Device Serial Number\r\n\"" + hashA + "\",\"Laptop\r\n\"\"7\"\"\"\r\n,SN-A")
	f.Add(csvLines("Device Serial Number,Manufacturer name,Device model", "SN-A,Contoso,", ",,", `"SN-B`))
	f.Add("\xff\xfeD\x00,\x00\n\x00\x00\xd8")
	f.Fuzz(func(t *testing.T, file string) {
		// Whatever the bytes, decoding them fails, if it does, as a CSV
		// error.
		if _, err := partnercenter.ParseAutopilotCSVFile([]byte(file)); err != nil && !errors.As(err, new(*partnercenter.AutopilotCSVError)) {
			t.Fatalf("ParseAutopilotCSVFile = %T %v", err, err)
		}
		devices, err := partnercenter.ParseAutopilotCSV(strings.NewReader(file))
		if err != nil {
			var csvErr *partnercenter.AutopilotCSVError
			if devices != nil || !errors.As(err, &csvErr) || (csvErr.Line == 0) != strings.HasPrefix(err.Error(), "the CSV is empty") {
				t.Fatalf("ParseAutopilotCSV = %v, %v", devices, err)
			}
			return
		}
		keys := map[string]bool{}
		for i, d := range devices {
			if _, err := d.Device.Key(); err != nil || d.Key == "" || keys[d.Key] || d.Line < 2 {
				t.Fatalf("device %d of %v: %v", i, devices, err)
			}
			keys[d.Key] = true
		}
	})
}

// fixtureHash is the hardware hash of serial in testdata/autopilot: as long
// as a real one (see its README).
func fixtureHash(serial string) string {
	const size = 2900
	phrase := "hardware hash of " + serial + ";"
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(phrase, size/len(phrase)+1)[:size]))
}

// TestParseAutopilotCSVFile reads the files partners have, each encoded as
// the tool that writes it does (testdata/autopilot/README.md).
func TestParseAutopilotCSVFile(t *testing.T) {
	const (
		lenovo = "Lenovo, Inc."
		hp     = "HP"
	)
	surface := func(serial string) partnercenter.Device {
		return partnercenter.Device{SerialNumber: serial, HardwareHash: fixtureHash(serial),
			OEMManufacturerName: "Microsoft Corporation", ModelName: "Surface Laptop 5"}
	}
	for file, want := range map[string][]partnercenter.Device{
		"get-windowsautopilotinfo.csv": {
			{SerialNumber: "PF3ABC01", HardwareHash: fixtureHash("PF3ABC01")},
			{SerialNumber: "PF3ABC02", ProductKey: "00330-80000-00000-AA111", HardwareHash: fixtureHash("PF3ABC02")},
			{SerialNumber: "PF3ABC03", HardwareHash: fixtureHash("PF3ABC03")},
		},
		// Two runs joined with cat: the second's byte order mark and
		// header are skipped.
		"get-windowsautopilotinfo-joined.csv": {
			{SerialNumber: "PF3ABC01", HardwareHash: fixtureHash("PF3ABC01")},
			{SerialNumber: "PF3ABC02", ProductKey: "00330-80000-00000-AA111", HardwareHash: fixtureHash("PF3ABC02")},
			{SerialNumber: "PF3ABC03", HardwareHash: fixtureHash("PF3ABC03")},
			{SerialNumber: "PF3ABC04", HardwareHash: fixtureHash("PF3ABC04")},
			{SerialNumber: "PF3ABC05", HardwareHash: fixtureHash("PF3ABC05")},
		},
		// The group tag is read and dropped: Partner Center has no field
		// for it.
		"get-windowsautopilotinfo-grouptag.csv": {
			{SerialNumber: "PF3ABC01", HardwareHash: fixtureHash("PF3ABC01")},
			{SerialNumber: "PF3ABC02", HardwareHash: fixtureHash("PF3ABC02")},
		},
		"get-windowsautopilotinfo-partner.csv": {surface("0F3A2B1C4D5E"), surface("0F3A2B1C4D5F")},
		"partner-center-template.csv": {
			{SerialNumber: "R90XK2L1", OEMManufacturerName: lenovo, ModelName: "ThinkPad T14 Gen 4"},
			{SerialNumber: "R90XK2L2", OEMManufacturerName: lenovo, ModelName: "ThinkPad T14 Gen 4"},
			{ProductKey: "00330-80000-00000-AA222"},
			{SerialNumber: "5CD1234XYZ", HardwareHash: fixtureHash("5CD1234XYZ"), OEMManufacturerName: hp, ModelName: "EliteBook 840 G10"},
		},
	} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "autopilot", file))
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := partnercenter.ParseAutopilotCSVFile(data)
			if err != nil {
				t.Fatalf("ParseAutopilotCSVFile: %v", err)
			}
			got := make([]partnercenter.Device, len(parsed))
			for i, d := range parsed {
				got[i] = d.Device
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseAutopilotCSVFile =\n%#v\nwant\n%#v", got, want)
			}
		})
	}
}

// utf16File is text in UTF-16 of the byte order given, with its byte order
// mark.
func utf16File(text string, order binary.AppendByteOrder) []byte {
	units := utf16.Encode([]rune(text))
	out := order.AppendUint16(nil, 0xfeff)
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

// TestParseAutopilotCSVFileEncodings reads each encoding Windows tools
// write, and refuses, saying how to save the file, what it cannot read
// without guessing.
func TestParseAutopilotCSVFileEncodings(t *testing.T) {
	// A serial number beyond ASCII, and one beyond the BMP, survive.
	text := "Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-Ä,," + hashA + "\r\nSN-𝔸,," + hashB + "\r\n"
	want := []string{"SN-Ä", "SN-𝔸"}
	for name, data := range map[string][]byte{
		"UTF-8":                        []byte(text),
		"UTF-8 with a byte order mark": append([]byte("\xef\xbb\xbf"), text...),
		"UTF-16 LE":                    utf16File(text, binary.LittleEndian),
		"UTF-16 BE":                    utf16File(text, binary.BigEndian),
	} {
		t.Run(name, func(t *testing.T) {
			parsed, err := partnercenter.ParseAutopilotCSVFile(data)
			if err != nil {
				t.Fatalf("ParseAutopilotCSVFile: %v", err)
			}
			var got []string
			for _, d := range parsed {
				got = append(got, d.SerialNumber)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("serial numbers %q, want %q", got, want)
			}
		})
	}

	const save = "save it as UTF-8, or as UTF-16 with a byte order mark (Windows PowerShell writes one)"
	le := utf16File(text, binary.LittleEndian)
	// The high surrogate of 𝔸 alone: its low half replaced by a comma.
	at := bytes.Index(le, utf16File("𝔸", binary.LittleEndian)[2:])
	lone := slices.Clone(le)
	binary.LittleEndian.PutUint16(lone[at+2:], ',')
	for name, tc := range map[string]struct {
		data []byte
		want string
		line int
	}{
		"UTF-16 without a byte order mark": {
			data: utf16File(text, binary.LittleEndian)[2:],
			want: "the file holds NUL bytes, as UTF-16 without a byte order mark does; " + save,
		},
		"Windows-1252": {
			data: []byte("Device Serial Number,Windows Product ID,Hardware Hash\r\nSN-\xc4,," + hashA + "\r\n"),
			want: "line 2: byte 59 of the file is not UTF-8; " + save,
			line: 2,
		},
		"UTF-16 cut short": {
			data: le[:len(le)-1],
			want: "the file starts as UTF-16 does, with a byte order mark, but has an odd number of bytes: it is cut short or not UTF-16; " + save,
		},
		"half a UTF-16 character": {
			data: lone,
			want: fmt.Sprintf("line 3: bytes %d and %d of the file are half of a UTF-16 character beyond the Basic Multilingual Plane, "+
				"without its other half; %s", at+1, at+2, save),
			line: 3,
		},
	} {
		t.Run(name, func(t *testing.T) {
			devices, err := partnercenter.ParseAutopilotCSVFile(tc.data)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("ParseAutopilotCSVFile = %v, %v; want the error\n%s", devices, err, tc.want)
			}
			var csvErr *partnercenter.AutopilotCSVError
			if !errors.As(err, &csvErr) || csvErr.Line != tc.line {
				t.Errorf("error %#v, want an *AutopilotCSVError on line %d", err, tc.line)
			}
		})
	}
}

// TestUTF16CSVWithLFLineEndsReportsTheRealLine names the line of a broken
// UTF-16 character in a file whose lines end in LF alone, with no CR, as
// files edited on Linux or macOS end them: lines are counted at LF.
func TestUTF16CSVWithLFLineEndsReportsTheRealLine(t *testing.T) {
	text := csvLines("Device Serial Number,Windows Product ID,Hardware Hash", "SN-A,,"+hashA, "SN-𝔸,,"+hashB, "SN-C,,"+hash4K)
	le := utf16File(text, binary.LittleEndian)
	// The high surrogate of 𝔸, on line 3, alone: its low half replaced by
	// a comma.
	at := bytes.Index(le, utf16File("𝔸", binary.LittleEndian)[2:])
	binary.LittleEndian.PutUint16(le[at+2:], ',')
	want := fmt.Sprintf("line 3: bytes %d and %d of the file are half of a UTF-16 character beyond the Basic Multilingual Plane, "+
		"without its other half; save it as UTF-8, or as UTF-16 with a byte order mark (Windows PowerShell writes one)", at+1, at+2)
	devices, err := partnercenter.ParseAutopilotCSVFile(le)
	if err == nil || err.Error() != want {
		t.Fatalf("ParseAutopilotCSVFile = %v, %v; want the error\n%s", devices, err, want)
	}
	var csvErr *partnercenter.AutopilotCSVError
	if !errors.As(err, &csvErr) || csvErr.Line != 3 {
		t.Errorf("error %#v, want an *AutopilotCSVError on line 3", err)
	}
}

// TestSameSerialNumberWithoutHashIsReportedAsTheSameSerialNumber names, of
// two rows of one serial number, manufacturer and model and neither a
// hardware hash nor a product key, the serial number they share: their
// empty hashes and product keys are not the same hash or product key.
func TestSameSerialNumberWithoutHashIsReportedAsTheSameSerialNumber(t *testing.T) {
	const header = "Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model"
	csv := csvLines(header, "R90XK2L1,,,Lenovo,ThinkPad T14", "R90XK2L2,,,Lenovo,ThinkPad T14", "R90XK2L1,,,Lenovo,ThinkPad T14")
	const want = `line 4, column "Device Serial Number": the device of line 2 again: the same serial number "R90XK2L1"; list each device once`
	devices, err := partnercenter.ParseAutopilotCSV(strings.NewReader(csv))
	if err == nil || err.Error() != want {
		t.Fatalf("ParseAutopilotCSV = %v, %v; want the error\n%s", devices, err, want)
	}
	var csvErr *partnercenter.AutopilotCSVError
	if !errors.As(err, &csvErr) || csvErr.Line != 4 || csvErr.Column != "Device Serial Number" {
		t.Errorf("error %#v, want an *AutopilotCSVError on line 4, column \"Device Serial Number\"", err)
	}
}
