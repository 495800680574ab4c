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
// Files of several runs of Get-WindowsAutopilotInfo joined into one, as cat
// joins them, are read as one: a byte order mark starting any line is
// dropped, and a row that repeats the header, as the header is matched, is
// skipped. A header of other columns, or of the same in another order, is
// an error naming its line. A row that reads as the rest of the hardware
// hash of the row above, cut by a line break, is an error saying so.
//
// Every device must be identified as Device.Keys requires, have a serial
// number or a product key to key it by, and be listed once: two rows with
// the same key, hash, product key or serial number are an error naming
// both lines. The error of a bad row or header is an *AutopilotCSVError
// naming its line and column.
func ParseAutopilotCSV(r io.Reader) ([]AutopilotDevice, error) {
	// Windows tools start UTF-8 files with a byte order mark (utf8BOM),
	// and files joined with cat keep the marks of all but the first.
	reader := csv.NewReader(&lineStartBOMDropper{in: bufio.NewReader(r), lineStart: true})
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
	headerRow := rowOf(reader, header)
	columns, err := readAutopilotHeader(headerRow)
	if err != nil {
		return nil, err
	}

	devices := []AutopilotDevice{}
	blank := 0
	// A row is read into a device once the next is read: a next row that
	// reads as the rest of its hash is then the error to report.
	var pending *csvRow
	flush := func() error {
		if pending == nil {
			return nil
		}
		d, err := columns.device(header, *pending)
		pending = nil
		if err != nil {
			return err
		}
		devices = append(devices, d)
		return nil
	}
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			if err := flush(); err != nil {
				return nil, err
			}
			if len(devices) == 0 {
				return nil, noDevicesError(headerRow.lines[0], blank)
			}
			if err := columns.checkDuplicates(devices); err != nil {
				return nil, err
			}
			return devices, nil
		}
		if err != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			return nil, syntaxError(err)
		}
		row := rowOf(reader, record)
		if pending != nil {
			if err := columns.checkWrapped(header, *pending, row); err != nil {
				return nil, err
			}
		}
		if err := flush(); err != nil {
			return nil, err
		}
		switch {
		case blankRecord(record):
			blank++
		case sameHeader(header, record):
		case headerLike(record):
			return nil, &AutopilotCSVError{Line: row.lines[0], Err: fmt.Errorf("a header unlike the file's, of line %d: "+
				"files joined into one need the same columns, in the same order; this one has %s",
				headerRow.lines[0], quoteAll(record, maxQuotedHeaders))}
		default:
			pending = &row
		}
	}
}

// csvRow is a row of a CSV file and the line each of its cells starts on.
type csvRow struct {
	cells []string
	lines []int
}

// rowOf is record, the row reader has just read, with its cells' lines.
func rowOf(reader *csv.Reader, record []string) csvRow {
	row := csvRow{cells: record, lines: make([]int, len(record))}
	for i := range record {
		row.lines[i], _ = reader.FieldPos(i)
	}
	return row
}

// lineStartBOMDropper reads in without the UTF-8 byte order marks that start
// its lines: the first file's, and those of the files joined after it.
type lineStartBOMDropper struct {
	in        *bufio.Reader
	lineStart bool
}

// Read implements io.Reader.
func (r *lineStartBOMDropper) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if r.lineStart {
			if start, err := r.in.Peek(len(utf8BOM)); err == nil && bytes.Equal(start, utf8BOM) {
				_, _ = r.in.Discard(len(utf8BOM))
			}
		}
		b, err := r.in.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
		r.lineStart = b == '\n'
	}
	return n, nil
}

// sameHeader reports whether record repeats header, its cells matched as
// readAutopilotHeader matches them: without surrounding spaces, in any
// case.
func sameHeader(header, record []string) bool {
	if len(record) != len(header) {
		return false
	}
	for i, cell := range record {
		if !strings.EqualFold(strings.TrimSpace(cell), strings.TrimSpace(header[i])) {
			return false
		}
	}
	return true
}

// headerLike reports whether record names one of autopilotColumns: no
// device's cell is such a name, a header is.
func headerLike(record []string) bool {
	for _, cell := range record {
		for _, column := range autopilotColumns {
			if strings.EqualFold(strings.TrimSpace(cell), column.header) {
				return true
			}
		}
	}
	return false
}

// checkWrapped refuses next when it reads as the rest of the hardware hash
// of row, the row above, cut by a line break: row ends with its hash cell,
// of base64 without the padding that ends a hash, next is on the line
// after and starts with a cell of base64, and the two together have at
// most the header's cells (a hash cut more than once leaves next short
// too). Rows of a whole hash end with padding or are followed by rows of
// all their cells, so neither reads so.
func (h autopilotHeader) checkWrapped(header []string, row, next csvRow) error {
	hashCell := h.at[columnHardwareHash]
	last := len(row.cells) - 1
	if hashCell < 0 || last != hashCell || len(row.cells)+len(next.cells)-1 > len(header) ||
		next.lines[0] != row.lines[last]+1 {
		return nil
	}
	hash, rest := strings.TrimSpace(row.cells[last]), strings.TrimSpace(next.cells[0])
	if !unpaddedBase64(hash) || !unpaddedBase64(strings.TrimRight(rest, "=")) {
		return nil
	}
	return h.cellError(header, row, columnHardwareHash, fmt.Errorf("the hardware hash seems wrapped onto line %d, "+
		"which reads as its rest, not as a row; put each hash on one line, as Get-WindowsAutopilotInfo writes it", next.lines[0]))
}

// unpaddedBase64 reports whether s is of base64 characters, padding aside,
// and not empty.
func unpaddedBase64(s string) bool {
	for i := range len(s) {
		if !base64Alphabet[s[i]] {
			return false
		}
	}
	return s != ""
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

// readAutopilotHeader recognises the columns of the header row. It fails
// when it recognises none, or one twice.
func readAutopilotHeader(row csvRow) (autopilotHeader, error) {
	header := row.cells
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
				return h, &AutopilotCSVError{Line: row.lines[cell], Column: name,
					Err: fmt.Errorf("the header names %q twice, in columns %d and %d; keep one", column.header, first+1, cell+1)}
			}
			h.of[cell], h.at[c], h.names[c] = c, cell, name
			recognised = true
		}
	}
	if !recognised {
		return h, &AutopilotCSVError{Line: row.lines[0], Err: fmt.Errorf("the header names none of the columns %s (in any case and order); it has %s",
			quoteAll(headersOf(autopilotColumns), 0), quoteAll(header, maxQuotedHeaders))}
	}
	return h, nil
}

// device reads the device of row and checks that it has as many cells as
// header, an identification and a key.
func (h autopilotHeader) device(header []string, row csvRow) (AutopilotDevice, error) {
	record := row.cells
	if len(record) < len(header) {
		return AutopilotDevice{}, &AutopilotCSVError{Line: row.lines[len(record)-1], Column: strings.TrimSpace(header[len(record)]),
			Err: fmt.Errorf("no cell: the row has %s and the header %s", count(len(record), "cell"), count(len(header), "column"))}
	}
	if len(record) > len(header) {
		return AutopilotDevice{}, &AutopilotCSVError{Line: row.lines[len(header)], Position: len(header) + 1,
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
		return AutopilotDevice{}, h.cellError(header, row, columnHardwareHash,
			fmt.Errorf("%w inside it; a hardware hash is one line of base64, as Get-WindowsAutopilotInfo writes it", err))
	case errors.Is(err, ErrHardwareHashNotBase64):
		return AutopilotDevice{}, h.cellError(header, row, columnHardwareHash,
			fmt.Errorf("%w, the form Get-WindowsAutopilotInfo writes it in", err))
	case err != nil:
		c := missingIdentification(d)
		problem := "empty"
		if h.at[c] < 0 {
			problem = "no such column"
		}
		return AutopilotDevice{}, h.cellError(header, row, c, fmt.Errorf("%s, and %w", problem, err))
	}
	key := d.SerialNumber
	if key == "" {
		key = d.ProductKey
	}
	if key == "" {
		problem := "empty"
		if h.at[columnSerialNumber] < 0 {
			problem = "no such column"
		}
		return AutopilotDevice{}, h.cellError(header, row, columnSerialNumber,
			fmt.Errorf("%s, and the row has no Windows Product ID either: a device of the CSV is keyed in devices by its serial "+
				"number, else its product key; write the devices map by hand for devices that have neither", problem))
	}
	return AutopilotDevice{Device: d, Key: key, Line: row.lines[0]}, nil
}

// cellError is err in column c (of autopilotColumns) of row, on the line
// its cell is on; the file's own header names the column when it has one.
func (h autopilotHeader) cellError(header []string, row csvRow, c int, err error) error {
	cell := h.at[c]
	if cell < 0 {
		return &AutopilotCSVError{Line: row.lines[0], Column: autopilotColumns[c].header, Err: err}
	}
	return &AutopilotCSVError{Line: row.lines[cell], Column: strings.TrimSpace(header[cell]), Err: err}
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
