package partnercenter

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// autopilotColumn is a column of an Autopilot CSV file and the field of a
// Device it fills.
type autopilotColumn struct {
	// header is the column's name as Get-WindowsAutopilotInfo and Partner
	// Center's portal template write it.
	header string
	field  func(*Device) *string
}

// autopilotColumns are the columns Get-WindowsAutopilotInfo writes (the
// first three) and those Partner Center's portal template adds, which its
// -Partner switch writes too.
var autopilotColumns = []autopilotColumn{
	{"Device Serial Number", func(d *Device) *string { return &d.SerialNumber }},
	{"Windows Product ID", func(d *Device) *string { return &d.ProductKey }},
	{"Hardware Hash", func(d *Device) *string { return &d.HardwareHash }},
	{"Manufacturer name", func(d *Device) *string { return &d.OEMManufacturerName }},
	{"Device model", func(d *Device) *string { return &d.ModelName }},
}

// Positions in autopilotColumns of the columns an error may name.
const (
	columnSerialNumber = 0
	columnProductKey   = 1
	columnHardwareHash = 2
	columnManufacturer = 3
	columnModel        = 4
)

// AutopilotCSVError is an error of an Autopilot CSV file, on a line and, when
// Column or Position is set, in one of its columns.
type AutopilotCSVError struct {
	// Line is the file's line the error is on, from 1; 0 when it is about the
	// whole file.
	Line int
	// Column is the header of the column, as the file writes it, or as
	// Get-WindowsAutopilotInfo does when the file has no such column.
	Column string
	// Position is the cell's place in its row, from 1, when no header names
	// it (a cell beyond the header's columns); 0 otherwise.
	Position int
	Err      error
}

// Error says where, then what: `line 3, column "Hardware Hash": ...`.
func (e *AutopilotCSVError) Error() string {
	var where string
	switch {
	case e.Line == 0:
		return e.Err.Error()
	case e.Column != "":
		where = fmt.Sprintf("line %d, column %q", e.Line, e.Column)
	case e.Position != 0:
		where = fmt.Sprintf("line %d, column %d", e.Line, e.Position)
	default:
		where = fmt.Sprintf("line %d", e.Line)
	}
	return where + ": " + e.Err.Error()
}

// Unwrap returns the error without its place, such as ErrNoIdentification.
func (e *AutopilotCSVError) Unwrap() error { return e.Err }

// AutopilotDevice is a device of an Autopilot CSV file, the line its row
// starts on, and the key it is known by in a batch's devices: its serial
// number, else its product key.
type AutopilotDevice struct {
	Device
	Key  string
	Line int
}

// ParseAutopilotCSV reads the devices of an Autopilot CSV file: the one
// Get-WindowsAutopilotInfo writes (header "Device Serial Number,Windows
// Product ID,Hardware Hash"), or Partner Center's portal template and the
// script's -Partner form, which add "Manufacturer name" and "Device model".
// Headers are matched case-insensitively, without surrounding spaces, in
// any order; other columns, such as the script's "Group Tag" and "Assigned
// User", which Partner Center has no field for, are ignored. Cells follow
// RFC 4180 and lose their surrounding spaces; a UTF-8 byte order mark and
// CRLF line ends are accepted. Blank lines, and rows whose cells are all
// empty (as spreadsheets write them), are skipped; a file with no device
// left is an error (ErrNoDevices).
//
// Every device must be identified as Device.Keys requires, have a serial
// number or a product key to key it by, and be listed once: two rows with
// the same key, hash, product key or serial number are an error naming
// both lines. The error of a bad row or header is an *AutopilotCSVError
// naming its line and column.
func ParseAutopilotCSV(r io.Reader) ([]AutopilotDevice, error) {
	// Windows tools start UTF-8 files with a byte order mark (utf8BOM).
	in := bufio.NewReader(r)
	if start, err := in.Peek(len(utf8BOM)); err == nil && bytes.Equal(start, utf8BOM) {
		_, _ = in.Discard(len(utf8BOM))
	}
	reader := csv.NewReader(in)
	// The number of cells is checked below, to name the line and column.
	reader.FieldsPerRecord = -1

	header, err := reader.Read()
	if errors.Is(err, io.EOF) {
		return nil, &AutopilotCSVError{Err: fmt.Errorf("the CSV is empty: it needs a header line, such as %q",
			strings.Join(headersOf(autopilotColumns[:3]), ","))}
	}
	if err != nil {
		return nil, syntaxError(err)
	}
	columns, err := readAutopilotHeader(reader, header)
	if err != nil {
		return nil, err
	}
	headerLine, _ := reader.FieldPos(0)

	devices := []AutopilotDevice{}
	blank := 0
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			if len(devices) == 0 {
				return nil, noDevicesError(headerLine, blank)
			}
			if err := columns.checkDuplicates(devices); err != nil {
				return nil, err
			}
			return devices, nil
		}
		if err != nil {
			return nil, syntaxError(err)
		}
		if blankRecord(record) {
			blank++
			continue
		}
		d, err := columns.device(reader, header, record)
		if err != nil {
			return nil, err
		}
		devices = append(devices, d)
	}
}

// ErrNoDevices is the error of an Autopilot CSV file that lists no device:
// a batch is created with its first devices, so such a file is a mistake,
// such as a header saved without its rows.
var ErrNoDevices = errors.New("the CSV lists no device")

// noDevicesError says that the file's header, on headerLine, has no device
// rows under it, only blank rows of empty cells.
func noDevicesError(headerLine, blank int) error {
	rows := "no rows under it"
	if blank > 0 {
		rows = fmt.Sprintf("%s under it, each of empty cells", count(blank, "row"))
	}
	return &AutopilotCSVError{Line: headerLine, Err: fmt.Errorf("%w: this line is its header, with %s; "+
		"add a row for each device, as Get-WindowsAutopilotInfo writes them", ErrNoDevices, rows)}
}

// Byte order marks of UTF-16. Windows PowerShell 5.1's Out-File, with which
// Get-WindowsAutopilotInfo writes its file, writes UTF-16 LE with one.
var (
	utf16LEBOM = []byte{0xff, 0xfe}
	utf16BEBOM = []byte{0xfe, 0xff}
)

// ParseAutopilotCSVFile reads the devices of an Autopilot CSV file given as
// its bytes, as ParseAutopilotCSV does, in any encoding Windows tools write
// it in: UTF-8, with or without a byte order mark, or UTF-16, little- or
// big-endian, with one. A file in another encoding, or UTF-16 without a
// byte order mark, is an *AutopilotCSVError that says how to save it.
func ParseAutopilotCSVFile(data []byte) ([]AutopilotDevice, error) {
	text, err := decodeCSVText(data)
	if err != nil {
		return nil, err
	}
	return ParseAutopilotCSV(strings.NewReader(text))
}

// saveAsUTF is how to save a file this package cannot decode.
const saveAsUTF = "save it as UTF-8, or as UTF-16 with a byte order mark (Windows PowerShell writes one)"

// decodeCSVText is the text of a CSV file of one of the encodings
// ParseAutopilotCSVFile accepts; a UTF-8 byte order mark is left for
// ParseAutopilotCSV to drop.
func decodeCSVText(data []byte) (string, error) {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, utf16LEBOM):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, utf16BEBOM):
		order = binary.BigEndian
	case bytes.IndexByte(data, 0) >= 0:
		// Valid UTF-8, but no CSV holds NUL: UTF-16 of ASCII text does.
		return "", &AutopilotCSVError{Err: fmt.Errorf("the file holds NUL bytes, as UTF-16 without a byte order mark does; %s", saveAsUTF)}
	case !utf8.Valid(data):
		at := invalidUTF8At(data)
		return "", &AutopilotCSVError{Line: 1 + bytes.Count(data[:at], []byte("\n")),
			Err: fmt.Errorf("byte %d of the file is not UTF-8; %s", at+1, saveAsUTF)}
	default:
		return string(data), nil
	}
	body := data[len(utf16LEBOM):]
	if len(body)%2 != 0 {
		return "", &AutopilotCSVError{Err: fmt.Errorf("the file starts as UTF-16 does, with a byte order mark, "+
			"but has an odd number of bytes: it is cut short or not UTF-16; %s", saveAsUTF)}
	}
	var text strings.Builder
	text.Grow(len(body) / 2)
	line := 1
	for i := 0; i < len(body); i += 2 {
		r := rune(order.Uint16(body[i:]))
		if utf16.IsSurrogate(r) {
			// A character beyond the BMP is a pair of surrogates; one
			// alone would decode to U+FFFD, a silently changed value.
			pair := utf8.RuneError
			if i+3 < len(body) {
				pair = utf16.DecodeRune(r, rune(order.Uint16(body[i+2:])))
			}
			if pair == utf8.RuneError {
				// Counted from 1, with the byte order mark.
				at := len(utf16LEBOM) + i + 1
				return "", &AutopilotCSVError{Line: line, Err: fmt.Errorf("bytes %d and %d of the file are half of a UTF-16 character "+
					"beyond the Basic Multilingual Plane, without its other half; %s", at, at+1, saveAsUTF)}
			}
			r = pair
			i += 2
		}
		if r == '\n' {
			line++
		}
		text.WriteRune(r)
	}
	return text.String(), nil
}

// invalidUTF8At is the offset of the first byte of data that does not start
// a valid UTF-8 encoding.
func invalidUTF8At(data []byte) int {
	at := 0
	for at < len(data) {
		r, size := utf8.DecodeRune(data[at:])
		if r == utf8.RuneError && size <= 1 {
			return at
		}
		at += size
	}
	return at
}

// checkDuplicates refuses devices of which two are the same device (see
// Match), naming the lines of both.
func (h autopilotHeader) checkDuplicates(devices []AutopilotDevice) error {
	plain := make([]Device, len(devices))
	for i, d := range devices {
		plain[i] = d.Device
	}
	index := NewDeviceIndex(plain)
	keyedAt := make(map[string]int, len(devices))
	for i, d := range devices {
		if j, ok := index.FindOther(d.Device, i); ok {
			first := devices[j]
			column, what := columnSerialNumber, fmt.Sprintf("serial number %q", d.SerialNumber)
			switch {
			case d.HardwareHash != "" && d.HardwareHash == first.HardwareHash:
				column, what = columnHardwareHash, "hardware hash"
			case d.ProductKey != "" && d.ProductKey == first.ProductKey:
				column, what = columnProductKey, fmt.Sprintf("product key %q", d.ProductKey)
			}
			return &AutopilotCSVError{Line: d.Line, Column: h.header(column),
				Err: fmt.Errorf("the device of line %d again: the same %s; list each device once", first.Line, what)}
		}
		if j, ok := keyedAt[d.Key]; ok {
			// A serial number of one row that is another's product key.
			return &AutopilotCSVError{Line: d.Line, Column: h.header(columnSerialNumber),
				Err: fmt.Errorf("the key %q of this device, its serial number or product key, is the key of the device of line %d; "+
					"write the devices map by hand to key them apart", d.Key, devices[j].Line)}
		}
		keyedAt[d.Key] = i
	}
	return nil
}

// header is the name of column c (of autopilotColumns) as the file writes
// it, or as Get-WindowsAutopilotInfo does when the file has no such column.
func (h autopilotHeader) header(c int) string {
	if h.names[c] != "" {
		return h.names[c]
	}
	return autopilotColumns[c].header
}

// autopilotHeader maps a file's columns to autopilotColumns.
type autopilotHeader struct {
	// of is, for each cell of a row, its place in autopilotColumns, or -1
	// for a column that is ignored.
	of []int
	// at is, for each of autopilotColumns, its cell in a row, or -1 when
	// the file has no such column.
	at []int
	// names is, for each of autopilotColumns, its header as the file
	// writes it, or "".
	names []string
}

// readAutopilotHeader recognises the columns of header, the record reader
// has just read. It fails when it recognises none, or one twice.
func readAutopilotHeader(reader *csv.Reader, header []string) (autopilotHeader, error) {
	h := autopilotHeader{of: make([]int, len(header)), at: make([]int, len(autopilotColumns)), names: make([]string, len(autopilotColumns))}
	for i := range h.at {
		h.at[i] = -1
	}
	recognised := false
	for cell, name := range header {
		h.of[cell] = -1
		name = strings.TrimSpace(name)
		for c, column := range autopilotColumns {
			if !strings.EqualFold(name, column.header) {
				continue
			}
			if first := h.at[c]; first >= 0 {
				line, _ := reader.FieldPos(cell)
				return h, &AutopilotCSVError{Line: line, Column: name,
					Err: fmt.Errorf("the header names %q twice, in columns %d and %d; keep one", column.header, first+1, cell+1)}
			}
			h.of[cell], h.at[c], h.names[c] = c, cell, name
			recognised = true
		}
	}
	if !recognised {
		line, _ := reader.FieldPos(0)
		return h, &AutopilotCSVError{Line: line, Err: fmt.Errorf("the header names none of the columns %s (in any case and order); it has %s",
			quoteAll(headersOf(autopilotColumns), 0), quoteAll(header, maxQuotedHeaders))}
	}
	return h, nil
}

// device reads the device of record, the row reader has just read, and
// checks that it has as many cells as header, an identification and a
// key.
func (h autopilotHeader) device(reader *csv.Reader, header, record []string) (AutopilotDevice, error) {
	if len(record) < len(header) {
		line, _ := reader.FieldPos(len(record) - 1)
		return AutopilotDevice{}, &AutopilotCSVError{Line: line, Column: strings.TrimSpace(header[len(record)]),
			Err: fmt.Errorf("no cell: the row has %s and the header %s", count(len(record), "cell"), count(len(header), "column"))}
	}
	if len(record) > len(header) {
		line, _ := reader.FieldPos(len(header))
		return AutopilotDevice{}, &AutopilotCSVError{Line: line, Position: len(header) + 1,
			Err: fmt.Errorf("the row has %s and the header %s", count(len(record), "cell"), count(len(header), "column"))}
	}
	var d Device
	for cell, value := range record {
		if c := h.of[cell]; c >= 0 {
			*autopilotColumns[c].field(&d) = strings.TrimSpace(value)
		}
	}
	// Device.Keys is the one place the identification rule is written.
	_, err := d.Keys()
	switch {
	case errors.Is(err, ErrHardwareHashWhiteSpace):
		return AutopilotDevice{}, h.cellError(reader, header, columnHardwareHash,
			fmt.Errorf("%w inside it; a hardware hash is one line of base64, as Get-WindowsAutopilotInfo writes it", err))
	case errors.Is(err, ErrHardwareHashNotBase64):
		return AutopilotDevice{}, h.cellError(reader, header, columnHardwareHash,
			fmt.Errorf("%w, the form Get-WindowsAutopilotInfo writes it in", err))
	case err != nil:
		c := missingIdentification(d)
		problem := "empty"
		if h.at[c] < 0 {
			problem = "no such column"
		}
		return AutopilotDevice{}, h.cellError(reader, header, c, fmt.Errorf("%s, and %w", problem, err))
	}
	line, _ := reader.FieldPos(0)
	key := d.SerialNumber
	if key == "" {
		key = d.ProductKey
	}
	if key == "" {
		problem := "empty"
		if h.at[columnSerialNumber] < 0 {
			problem = "no such column"
		}
		return AutopilotDevice{}, h.cellError(reader, header, columnSerialNumber,
			fmt.Errorf("%s, and the row has no Windows Product ID either: a device of the CSV is keyed in devices by its serial "+
				"number, else its product key; write the devices map by hand for devices that have neither", problem))
	}
	return AutopilotDevice{Device: d, Key: key, Line: line}, nil
}

// cellError is err in column c (of autopilotColumns) of the row reader has
// just read, on the line its cell is on; the file's own header names the
// column when it has one.
func (h autopilotHeader) cellError(reader *csv.Reader, header []string, c int, err error) error {
	cell := h.at[c]
	if cell < 0 {
		line, _ := reader.FieldPos(0)
		return &AutopilotCSVError{Line: line, Column: autopilotColumns[c].header, Err: err}
	}
	line, _ := reader.FieldPos(cell)
	return &AutopilotCSVError{Line: line, Column: strings.TrimSpace(header[cell]), Err: err}
}

// missingIdentification is the column a device without an identification
// should fill: with a serial number, the first of manufacturer and model it
// lacks, as only the three together identify a device; else the hardware
// hash, the identification Autopilot CSV files are made for.
func missingIdentification(d Device) int {
	switch {
	case d.SerialNumber != "" && d.OEMManufacturerName == "":
		return columnManufacturer
	case d.SerialNumber != "" && d.ModelName == "":
		return columnModel
	}
	return columnHardwareHash
}

// blankRecord reports whether every cell of record is empty or spaces.
func blankRecord(record []string) bool {
	for _, cell := range record {
		if strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}

// syntaxError is a CSV syntax error (a stray or missing quote) on the line
// its row starts on.
func syntaxError(err error) error {
	var parseErr *csv.ParseError
	if !errors.As(err, &parseErr) {
		return err
	}
	where := fmt.Sprintf("at byte %d", parseErr.Column)
	if parseErr.Line != parseErr.StartLine {
		where = fmt.Sprintf("on line %d, byte %d", parseErr.Line, parseErr.Column)
	}
	return &AutopilotCSVError{Line: parseErr.StartLine, Err: fmt.Errorf("%w %s; a cell holding a comma, quote or line break "+
		"is enclosed in double quotes, and a double quote inside it is doubled (RFC 4180)", parseErr.Err, where)}
}

// maxQuotedHeaders and maxQuotedHeaderLength bound how much of a header an
// error quotes: a file without a header line has a 4 KB hash in its first.
const (
	maxQuotedHeaders      = 6
	maxQuotedHeaderLength = 40
)

// quoteAll quotes names, the first limit of them when limit is not 0, each
// cut at maxQuotedHeaderLength.
func quoteAll(names []string, limit int) string {
	quoted := make([]string, 0, len(names))
	for i, name := range names {
		if limit != 0 && i == limit {
			quoted = append(quoted, fmt.Sprintf("and %d more", len(names)-limit))
			break
		}
		name = strings.TrimSpace(name)
		if runes := []rune(name); len(runes) > maxQuotedHeaderLength {
			name = string(runes[:maxQuotedHeaderLength]) + "…"
		}
		quoted = append(quoted, fmt.Sprintf("%q", name))
	}
	return strings.Join(quoted, ", ")
}

// count is n of noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func headersOf(columns []autopilotColumn) []string {
	headers := make([]string, len(columns))
	for i, c := range columns {
		headers[i] = c.header
	}
	return headers
}
