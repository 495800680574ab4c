package provider

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// The devices argument of partnercenter_device_batch: a map from a key the
// user chooses (autopilot_devices() takes the serial number) to a device's
// identification and names. Keys make plans readable (+ "CSP0004",
// - "CSP0002") and tie each device to the ID Partner Center gave it, in
// device_ids: refresh, drift, deletion and the policy assignment go by
// that ID. Matching a device by what it holds (partnercenter.Match) is the
// fallback, only where no ID is known: after an import, an adoption, or an
// upload whose results name no IDs. The map is built and read by hand: the
// framework's reflection costs more than the rest of a plan for thousands
// of devices.

// deviceObjectType is the element type of devices, as its schema defines it.
var deviceObjectType = sync.OnceValue(func() types.ObjectType {
	return nestedObjectType(deviceBatchSchema().Attributes["devices"])
})

// maxDeviceKeyLength bounds a key of devices.
const maxDeviceKeyLength = 256

// configuredDevice is one entry of devices: its key, the device it names,
// and the element itself, so that a device read back keeps exactly what was
// written.
type configuredDevice struct {
	key    string
	device partnercenter.Device
	value  attr.Value
}

// devicesOf reads the entries of a devices map, sorted by key, so that
// uploads and messages come in the same order every run. known is false
// when the map or one of its entries is not known yet (at plan time).
func devicesOf(devices types.Map) (entries []configuredDevice, known bool) {
	if devices.IsNull() || devices.IsUnknown() {
		return nil, !devices.IsUnknown()
	}
	elements := devices.Elements()
	entries = make([]configuredDevice, 0, len(elements))
	for key, element := range elements {
		object, ok := element.(types.Object)
		if !ok || object.IsUnknown() {
			return nil, false
		}
		fields := object.Attributes()
		str := func(name string) (string, bool) {
			v, ok := fields[name].(types.String)
			return v.ValueString(), !ok || !v.IsUnknown()
		}
		var d partnercenter.Device
		var k [5]bool
		d.HardwareHash, k[0] = str("hardware_hash")
		d.SerialNumber, k[1] = str("serial_number")
		d.ProductKey, k[2] = str("product_key")
		d.OEMManufacturerName, k[3] = str("oem_manufacturer_name")
		d.ModelName, k[4] = str("model_name")
		if !k[0] || !k[1] || !k[2] || !k[3] || !k[4] {
			return nil, false
		}
		entries = append(entries, configuredDevice{key: key, device: d, value: element})
	}
	slices.SortFunc(entries, func(a, b configuredDevice) int { return strings.Compare(a.key, b.key) })
	return entries, true
}

// deviceValue is d as an element of devices, with what Partner Center did
// not send left null.
func deviceValue(d partnercenter.Device) attr.Value {
	return types.ObjectValueMust(deviceObjectType().AttrTypes, map[string]attr.Value{
		"hardware_hash":         nullableString(d.HardwareHash),
		"serial_number":         nullableString(d.SerialNumber),
		"product_key":           nullableString(d.ProductKey),
		"oem_manufacturer_name": nullableString(d.OEMManufacturerName),
		"model_name":            nullableString(d.ModelName),
	})
}

// devicesMap is the devices argument of entries.
func devicesMap(entries []configuredDevice) types.Map {
	values := make(map[string]attr.Value, len(entries))
	for _, e := range entries {
		values[e.key] = e.value
	}
	return types.MapValueMust(deviceObjectType(), values)
}

// deviceIDsOf reads device_ids: each key's device ID, where known.
func deviceIDsOf(ids types.Map) map[string]string {
	elements := ids.Elements()
	out := make(map[string]string, len(elements))
	for key, element := range elements {
		if s, ok := element.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			out[key] = s.ValueString()
		}
	}
	return out
}

// deviceIDsMap is device_ids of ids.
func deviceIDsMap(ids map[string]string) types.Map {
	values := make(map[string]attr.Value, len(ids))
	for key, id := range ids {
		values[key] = types.StringValue(id)
	}
	return types.MapValueMust(types.StringType, values)
}

// partlyKnownDeviceIDs is device_ids planned for configured devices, of
// which those of ids are known: their IDs, the others unknown.
func partlyKnownDeviceIDs(configured []configuredDevice, ids map[string]string) types.Map {
	values := make(map[string]attr.Value, len(configured))
	for _, e := range configured {
		if id, ok := ids[e.key]; ok {
			values[e.key] = types.StringValue(id)
		} else {
			values[e.key] = types.StringUnknown()
		}
	}
	return types.MapValueMust(types.StringType, values)
}

// fillPlannedDeviceIDs sets in linked the IDs planned, a known device_ids
// whose new devices' IDs are unknown, and returns the keys, sorted, whose
// ID was unknown and is not in linked.
func fillPlannedDeviceIDs(planned types.Map, linked map[string]string) []string {
	var unlinked []string
	for key, element := range planned.Elements() {
		s, ok := element.(types.String)
		switch {
		case ok && !s.IsUnknown() && !s.IsNull():
			linked[key] = s.ValueString()
		case linked[key] == "":
			unlinked = append(unlinked, key)
		}
	}
	slices.Sort(unlinked)
	return unlinked
}

// keysOf is the keys of entries.
func keysOf(entries []configuredDevice) []string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.key
	}
	return keys
}

// quoteKeys names the entries of keys in a message, the first
// maxListedFailedDevices of them, then a count.
func quoteKeys(keys []string) string {
	quoted := make([]string, 0, min(len(keys), maxListedFailedDevices)+1)
	for _, k := range keys[:min(len(keys), maxListedFailedDevices)] {
		quoted = append(quoted, fmt.Sprintf("devices[%q]", k))
	}
	if rest := len(keys) - maxListedFailedDevices; rest > 0 {
		quoted = append(quoted, fmt.Sprintf("and %d more", rest))
	}
	return strings.Join(quoted, ", ")
}

// indistinguishable refuses changes that delete a device and upload one
// that nothing tells apart from it: one of the two known by its hardware
// hash alone, the other without a hash, as a device configured by its hash
// and a device Partner Center lists without it (as after an import where
// the list carries none). They may be the same device, which the apply
// would delete and upload again, losing its profile. Devices that carry a
// serial number or product key are told apart by it.
func indistinguishable(changes deviceChanges) diag.Diagnostics {
	var diags diag.Diagnostics
	hashOnly := func(d partnercenter.Device) bool {
		return d.HardwareHash != "" && d.SerialNumber == "" && d.ProductKey == ""
	}
	for _, up := range changes.upload {
		for _, gone := range changes.remove {
			a, b := up.device, gone.device
			if apart := !hashOnly(a) && !hashOnly(b) || a.HardwareHash != "" && b.HardwareHash != ""; apart {
				continue
			}
			diags.AddAttributeError(path.Root("devices").AtMapKey(up.key), "Devices cannot be told apart",
				fmt.Sprintf("The plan uploads devices[%q] and deletes devices[%q], which the batch holds, and they share no field that "+
					"both carry: they may be the same device, and an apply never deletes a device and uploads it again in one go. "+
					"Give devices[%q] the serial number or product key Partner Center lists for it (Get-WindowsAutopilotInfo's file "+
					"has the serial number), so that the two can be compared; or, to replace the device, remove it in one apply and "+
					"add the new one in the next.", up.key, gone.key, up.key))
			break
		}
	}
	return diags
}

// plainDevices is the devices of entries, for the client.
func plainDevices(entries []configuredDevice) []partnercenter.Device {
	devices := make([]partnercenter.Device, len(entries))
	for i, e := range entries {
		devices[i] = e.device
	}
	return devices
}

// nameDevice names a device Partner Center holds in a message: by its
// serial number, else its product key, else its hardware hash's start.
func nameDevice(d partnercenter.Device) string {
	switch {
	case d.SerialNumber != "":
		return fmt.Sprintf("the device with serial number %q", d.SerialNumber)
	case d.ProductKey != "":
		return fmt.Sprintf("the device with product key %q", d.ProductKey)
	case d.HardwareHash != "":
		const shown = 16
		return fmt.Sprintf("the device with hardware hash %q", d.HardwareHash[:min(len(d.HardwareHash), shown)]+"…")
	}
	return "a device without serial number, product key or hardware hash"
}

// validateDevices checks, from the configuration alone, that a hardware
// hash is one line of base64 and that no two entries are the same device,
// naming each entry that fails by its key. Whether a device is identified
// well enough to be uploaded is checked where the plan knows which devices
// it uploads (unidentified): a device the batch holds is known by its ID,
// and Partner Center's device list may give no more than its serial
// number, or nothing but its ID.
func validateDevices(entries []configuredDevice) diag.Diagnostics {
	var diags diag.Diagnostics
	index := partnercenter.NewDeviceIndex(plainDevices(entries))
	for i, e := range entries {
		at := path.Root("devices").AtMapKey(e.key)
		if _, err := e.device.Key(); err != nil && !errors.Is(err, partnercenter.ErrNoIdentification) {
			diags.Append(identificationError(e, err))
			continue
		}
		if j, ok := index.FindOther(e.device, i); ok {
			first := entries[j]
			diags.AddAttributeError(at, "Duplicate device",
				fmt.Sprintf("In devices, %q and %q are the same device: they have the same %s. List each device once.",
					first.key, e.key, sharedField(first.device, e.device)))
		}
	}
	return diags
}

// unidentified checks that each of entries, devices to upload, is
// identified as Partner Center identifies a device it is sent.
func unidentified(entries []configuredDevice) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, e := range entries {
		if _, err := e.device.Key(); err != nil {
			diags.Append(identificationError(e, err))
		}
	}
	return diags
}

// identificationError is the error of entry e, which cannot be identified
// for err, what partnercenter.Device.Key said.
func identificationError(e configuredDevice, err error) diag.Diagnostic {
	detail := fmt.Sprintf("In devices, %q: %s. Partner Center identifies a device by its hardware_hash, else its product_key, "+
		"else its serial_number together with oem_manufacturer_name and model_name.", e.key, describeIdentificationError(e.device, err))
	if errors.Is(err, partnercenter.ErrNoIdentification) && e.device.SerialNumber != "" {
		detail += " A device the batch already holds needs none of these: import the batch, and its devices are known by their IDs."
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("devices").AtMapKey(e.key), "Device cannot be identified", detail)
}

// describeIdentificationError says why a device cannot be identified, err
// being what partnercenter.Device.Key said.
func describeIdentificationError(d partnercenter.Device, err error) string {
	switch {
	case errors.Is(err, partnercenter.ErrHardwareHashWhiteSpace):
		return "hardware_hash holds white space or a line break; a hardware hash is one line of base64, as Get-WindowsAutopilotInfo writes it"
	case d.HardwareHash != "":
		return "hardware_hash is not base64, the form Get-WindowsAutopilotInfo writes it in"
	case d.SerialNumber != "":
		var missing []string
		if d.OEMManufacturerName == "" {
			missing = append(missing, "oem_manufacturer_name")
		}
		if d.ModelName == "" {
			missing = append(missing, "model_name")
		}
		return "serial_number alone does not identify it; it also needs " + strings.Join(missing, " and ") + ", or a hardware_hash or product_key"
	}
	return "it has no hardware_hash, product_key or serial_number"
}

// sharedField names what makes a and b, which partnercenter.Shares, the
// same device.
func sharedField(a, b partnercenter.Device) string {
	switch {
	case a.HardwareHash != "" && a.HardwareHash == b.HardwareHash:
		return "hardware_hash"
	case a.ProductKey != "" && a.ProductKey == b.ProductKey:
		return "product_key"
	}
	return "serial_number"
}

// deviceChanges is what an apply does to the devices of a batch to go from
// the devices of state, with their IDs, to the devices planned. A planned
// device that is a device of state, under its key (partnercenter.Rewrites:
// a hash taken again from the same device differs) or another
// (partnercenter.Match), is the same device: its entry may change, Partner
// Center does not. A device of state may be one Partner Center holds that
// no entry named, with the fields it lists, so an entry under another key
// is taken for it only where nothing contradicts it.
type deviceChanges struct {
	// ids are the IDs, known before the apply, of the planned devices that
	// were in state: under the same key, or moved to another.
	ids map[string]string
	// sameKeys is set when every planned device is the device of state
	// under the same key, and no device of state is left over.
	sameKeys bool
	// upload are the planned devices state does not have.
	upload []configuredDevice
	// remove are the devices of state that are not planned.
	remove []configuredDevice
}

// planDeviceChanges works out the changes from prior, whose IDs are ids, to
// planned.
func planDeviceChanges(planned, prior []configuredDevice, ids map[string]string) deviceChanges {
	c := deviceChanges{ids: make(map[string]string, len(planned)), sameKeys: len(planned) == len(prior)}
	priorAt := make(map[string]int, len(prior))
	for i, p := range prior {
		priorAt[p.key] = i
	}
	used := make([]bool, len(prior))
	var moved []configuredDevice
	for _, p := range planned {
		// An entry that names nothing, as one written from a device Partner
		// Center lists by its ID alone, is the device of state under its key.
		i, ok := priorAt[p.key]
		if ok && (partnercenter.Rewrites(p.device, prior[i].device) || namesNothing(p.device)) {
			used[i] = true
			if id, ok := ids[p.key]; ok {
				c.ids[p.key] = id
			}
			continue
		}
		c.sameKeys = false
		moved = append(moved, p)
	}
	// A device under a new key, or whose key now names another device, is
	// one of the devices of state left over, or a new one.
	var leftOver []int
	for i := range prior {
		if !used[i] {
			leftOver = append(leftOver, i)
		}
	}
	left := make([]partnercenter.Device, len(leftOver))
	for j, i := range leftOver {
		left[j] = prior[i].device
	}
	index := partnercenter.NewDeviceIndex(left)
	for _, p := range moved {
		if j, ok := index.Find(p.device); ok && !used[leftOver[j]] {
			i := leftOver[j]
			used[i] = true
			if id, ok := ids[prior[i].key]; ok {
				c.ids[p.key] = id
			}
			continue
		}
		c.upload = append(c.upload, p)
	}
	for _, i := range leftOver {
		if !used[i] {
			c.remove = append(c.remove, prior[i])
		}
	}
	return c
}

// namesNothing reports whether d has none of the fields of an entry of
// devices.
func namesNothing(d partnercenter.Device) bool {
	return d.HardwareHash == "" && d.SerialNumber == "" && d.ProductKey == "" && d.OEMManufacturerName == "" && d.ModelName == ""
}

// heldDevices are the devices Partner Center holds in a batch, and which of
// them a device of the resource is linked to.
type heldDevices struct {
	devices []partnercenter.Device
	// at maps lower-case device IDs to their position.
	at      map[string]int
	claimed []bool
	// unsure marks the devices that a device of the resource could be,
	// among others that nothing tells apart from them: none is claimed,
	// shown as a device to delete, or deleted.
	unsure []bool
	// ambiguous are the devices of the resource that could be several
	// devices Partner Center holds.
	ambiguous []ambiguousMatch
	index     partnercenter.DeviceIndex
}

// ambiguousMatch is an entry of the resource and the devices Partner
// Center holds that it could be, which nothing tells apart.
type ambiguousMatch struct {
	entry configuredDevice
	held  []partnercenter.Device
}

func newHeldDevices(held []partnercenter.Device) *heldDevices {
	h := &heldDevices{devices: held, at: make(map[string]int, len(held)), claimed: make([]bool, len(held)),
		unsure: make([]bool, len(held)), index: partnercenter.NewDeviceIndex(held)}
	for i, d := range held {
		if d.ID != "" {
			h.at[strings.ToLower(d.ID)] = i
		}
	}
	return h
}

// claimID claims the device of ID id, reporting whether Partner Center
// holds it unclaimed.
func (h *heldDevices) claimID(id string) bool {
	i, ok := h.at[strings.ToLower(id)]
	if !ok || h.claimed[i] {
		return false
	}
	h.claimed[i] = true
	return true
}

// claimMatch claims the unclaimed device that e is by what it holds
// (partnercenter.Match), returning its ID. When several devices could be
// e, claimed or not, it claims none: it marks them unsure and records the
// ambiguity, to be reported.
func (h *heldDevices) claimMatch(e configuredDevice) (string, bool) {
	found := h.index.Candidates(e.device)
	if len(found) > 1 {
		m := ambiguousMatch{entry: e}
		for _, i := range found {
			h.unsure[i] = true
			m.held = append(m.held, h.devices[i])
		}
		h.ambiguous = append(h.ambiguous, m)
		return "", false
	}
	if len(found) == 0 || h.claimed[found[0]] || h.devices[found[0]].ID == "" {
		return "", false
	}
	h.claimed[found[0]] = true
	return h.devices[found[0]].ID, true
}

// link claims the device of Partner Center that e is: the one of its ID
// when that is known, else one that it matches. It returns the device's
// ID, or false when Partner Center holds no such device, or none that
// can be told apart. A device whose ID is known but gone is not looked
// for by what it holds: another device of the same serial number may be
// in the batch.
func (h *heldDevices) link(e configuredDevice, id string, known bool) (string, bool) {
	if known {
		if !h.claimID(id) {
			return "", false
		}
		return h.devices[h.at[strings.ToLower(id)]].ID, true
	}
	return h.claimMatch(e)
}

// ambiguousAbout reports whether claimMatch found several devices that the
// entry of key could be.
func (h *heldDevices) ambiguousAbout(key string) bool {
	return slices.ContainsFunc(h.ambiguous, func(m ambiguousMatch) bool { return m.entry.key == key })
}

// unclaimed returns the devices no device of the resource is linked to
// and that none could be.
func (h *heldDevices) unclaimed() []partnercenter.Device {
	var out []partnercenter.Device
	for i, d := range h.devices {
		if !h.claimed[i] && !h.unsure[i] {
			out = append(out, d)
		}
	}
	return out
}

// ambiguity describes the entries of h.ambiguous, of the batch batchID:
// each, and the devices it could be.
func (h *heldDevices) ambiguity(batchID string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Partner Center's batch %q holds devices that nothing tells apart, by what it lists of them, from a device of devices:\n\n", batchID)
	for _, m := range h.ambiguous[:min(len(h.ambiguous), maxListedFailedDevices)] {
		if m.entry.key != "" {
			fmt.Fprintf(&b, "  - devices[%q] could be", m.entry.key)
		} else {
			fmt.Fprintf(&b, "  - %s could be", nameDevice(m.entry.device))
		}
		for i, d := range m.held {
			if i > 0 {
				b.WriteString(" or")
			}
			fmt.Fprintf(&b, " %s (ID %s)", nameDevice(d), d.ID)
		}
		b.WriteString("\n")
	}
	if rest := len(h.ambiguous) - maxListedFailedDevices; rest > 0 {
		fmt.Fprintf(&b, "  and %d more\n", rest)
	}
	b.WriteString("\nSuch a serial number is often a placeholder of the firmware, such as \"Default string\". Give each of these entries the " +
		"device's hardware_hash, product_key, or oem_manufacturer_name and model_name as Partner Center lists them, or delete the devices " +
		"that are not yours in Partner Center.")
	return b.String()
}

// reconcile is the devices a refresh finds, from prior, whose IDs are ids,
// and held, the devices Partner Center holds: each device of prior that
// Partner Center still holds, as written in prior, linked to its ID, or
// where none is known to the one device it matches; then each device
// Partner Center holds that none is linked to or could be, under a key of
// its own (see heldKey), with the fields Partner Center sent. A device of
// prior whose ID Partner Center no longer holds drops out, so that the
// next plan uploads it again, even when the batch holds a device of the
// same serial number; one Partner Center holds that the configuration
// does not name shows as one to delete. A device of prior without an ID
// that could be several devices is kept without one, and those devices are
// neither linked nor shown: the returned heldDevices records them, to be
// reported.
func reconcile(prior []configuredDevice, ids map[string]string, held []partnercenter.Device) ([]configuredDevice, map[string]string, *heldDevices) {
	h := newHeldDevices(held)
	entries := make([]configuredDevice, 0, len(held))
	linked := make(map[string]string, len(held))
	var unlinked []configuredDevice
	// IDs first, so that no match by fields takes a device another entry
	// is linked to by its ID.
	for _, e := range prior {
		id, known := ids[e.key]
		if !known {
			unlinked = append(unlinked, e)
		} else if h.claimID(id) {
			entries = append(entries, e)
			linked[e.key] = h.devices[h.at[strings.ToLower(id)]].ID
		}
	}
	for _, e := range unlinked {
		if id, ok := h.claimMatch(e); ok {
			entries = append(entries, e)
			linked[e.key] = id
		}
	}
	for _, m := range h.ambiguous {
		entries = append(entries, m.entry)
	}
	taken := make(map[string]bool, len(prior))
	for _, e := range prior {
		taken[e.key] = true
	}
	for _, d := range h.unclaimed() {
		key := heldKey(d, taken)
		taken[key] = true
		entries = append(entries, configuredDevice{key: key, device: d, value: deviceValue(d)})
		if d.ID != "" {
			linked[key] = d.ID
		}
	}
	return entries, linked, h
}

// heldKey is the key a device Partner Center holds is shown under when no
// entry of the configuration names it: its serial number, as
// autopilot_devices() keys devices, else its product key, else its ID, the
// first not taken. A key is written as an HCL identifier: Terraform's and
// OpenTofu's -generate-config-out write map keys unquoted, so that a serial
// number that starts with a digit or holds a space would read back as
// another key, or not at all. A value that is not one is prefixed with what
// it is and each character an identifier cannot hold becomes "_", such as
// sn-0123456789 or id-9993-8627.
func heldKey(d partnercenter.Device, taken map[string]bool) string {
	var first string
	for _, c := range []struct{ prefix, value string }{{"sn", d.SerialNumber}, {"pk", d.ProductKey}, {"id", d.ID}} {
		if c.value == "" {
			continue
		}
		key := identifierKey(c.prefix, c.value)
		if !taken[key] {
			return key
		}
		if first == "" {
			first = key
		}
	}
	if first == "" {
		first = "device"
	}
	for n := 2; ; n++ {
		if key := fmt.Sprintf("%s-%d", first, n); !taken[key] {
			return key
		}
	}
}

// identifierKey is value if it is an HCL identifier (a letter or "_", then
// letters, digits, "_" and "-"), else prefix, "-", and value with each
// other character written "_".
func identifierKey(prefix, value string) string {
	if hclIdentifier.MatchString(value) {
		return value
	}
	return prefix + "-" + strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return '_'
	}, value)
}

// hclIdentifier matches the HCL identifiers of ASCII letters.
var hclIdentifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
