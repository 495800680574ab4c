package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Answers chooses, for each question Microsoft's public sources leave open,
// which plausible answer the emulator gives, so that a client can be tried
// under each. The zero value is the default: what Microsoft's samples show,
// else the emulator's earlier choice. Set them with SetAnswers; the
// command's flags are AnswerSwitches.
type Answers struct {
	// ListHardwareHashes answers: does a device list (operation 5) carry
	// each device's hardwareHash? Microsoft's only sample of a device list
	// has none, and its Content-Length is too small for 4 KB hashes, so by
	// default listed devices carry none, nor does the device a device
	// update (operation 6) answers with. True lists them, as the .NET
	// SDK's Device model, which has the field, allows. The emulator keeps
	// the hash either way: it still identifies the device (806, 808).
	ListHardwareHashes bool

	// ListUploadedFieldsOnly answers: after an upload identified by
	// hardware hash, does the listed device carry the serialNumber,
	// oemManufacturerName and modelName Partner Center decodes from the
	// hash? Microsoft's samples of listed devices show all three, so by
	// default each of them the upload did not carry is answered as
	// DecodeHardwareHash derives it, and those it carried as uploaded (a
	// real hash encodes the serial number the CSV has). True answers what
	// the upload carried only. It is decided when answering, not when
	// uploading, so switching shows the other answer for devices uploaded
	// before. Devices uploaded without a hash are answered as uploaded
	// either way. It applies to device lists and to the device a device
	// update answers with.
	ListUploadedFieldsOnly bool

	// StatusIDsOnly answers: does a status item (devicesStatus of a batch
	// job status, operation 3) of a device uploaded with a hardware hash
	// carry its serialNumber and productKey? By default it does, as the
	// items of Microsoft's example of "Get the status of a device batch
	// upload" do. True: such an item carries its deviceId, status and,
	// when it failed, errorCode and errorDescription, besides the
	// attributes every item has. Items of devices identified otherwise,
	// and of device policy updates, carry what they did.
	StatusIDsOnly bool

	// FailedJobsWithoutResults answers: does a batch job that ends
	// finished_with_errors list its devices? The documentation says
	// devicesStatus lists them, which the default does; its field table
	// lets it be empty or absent. True: once such a job has finished, its
	// status has no devicesStatus member at all, so that a client must
	// read the failure from the batch's status alone. Jobs still queued or
	// processing, jobs that finished without errors and fixed answers
	// (PutBatch, LoadFixtures) are answered as without it. It applies to
	// uploads and device policy updates.
	FailedJobsWithoutResults bool

	// PolicyUpdateKeepsDescription answers: what does a policy update
	// (operation 12) whose body has no description member do to the
	// policy's description? The documentation lists description among the
	// fields of the update and says the settings are replaced as a whole,
	// but not what a missing description means. By default the update
	// replaces the policy as a whole and so clears it (the emulator's
	// earlier choice); true keeps the old description, and a body with
	// "description": "" clears it.
	PolicyUpdateKeepsDescription bool

	// EmptySettingsReadAsNone answers: how does a policy created or
	// updated with no settings read back? By default as sent, [] (the
	// emulator's earlier choice); true as ["none"], the setting
	// Microsoft's documentation lists for no settings, in every answer
	// carrying the policy (create, get, list, update). The policy is
	// stored with no settings either way.
	EmptySettingsReadAsNone bool

	// DeleteAssignedPolicy answers: what does deleting a policy (operation
	// 13) that devices still have do? The documentation does not say. By
	// default it is refused with 409 (code 409), so that no device is
	// left with a policy that no longer exists (the emulator's earlier
	// choice); true deletes it, 204, and those devices lose it: their
	// o_o_b_e policy becomes null.
	DeleteAssignedPolicy bool

	// TotalCountPerPage answers: what does a collection's totalCount
	// count? The documentation says the whole collection, which the
	// default answers; true counts the items on the page answered, as the
	// .NET SDK's collection model, which has no other count, can be read.
	// It applies to every collection.
	TotalCountPerPage bool

	// PascalCaseEnums answers: how are enum values spelt in answers? By
	// default exactly as documented: queued, processing, finished,
	// finished_with_errors, o_o_b_e, none, skip_eula and so on. True
	// spells them as the .NET SDK's enum names, which its converter
	// accepts as well: Queued, Processing, Finished, FinishedWithErrors
	// for batch and device statuses, OOBE and None for policy categories
	// and the key of a device's policy, None, RemoveOemPreinstalls,
	// OobeUserNotLocalAdmin, SkipExpressSettings, SkipOemRegistration and
	// SkipEula for policy settings, Reseller, Advisor, None, Syndication
	// and MicrosoftSupport for a customer's relationshipToPartner. Fixed
	// answers are served verbatim.
	// Requests are understood in either spelling whatever this says.
	PascalCaseEnums bool

	// BareArrayLists answers: what do the batch list (operation 4) and a
	// batch's device list (operation 5) return? Microsoft's samples and
	// the .NET SDK show a Collection object, paged, which the default
	// answers; the REST reference says a bare array, which true answers:
	// [...] of every item, unpaged. The policy list stays a collection.
	BareArrayLists bool

	// CaseSensitiveBatchNames answers: are batch IDs, which are free
	// text, compared case-insensitively? The PowerShell module compares
	// them so, as the default does; true compares them exactly, so that
	// "Contoso" and "contoso" are two batches: in every route, in the
	// conflict of a batch creation and in the test helpers.
	CaseSensitiveBatchNames bool

	// MaxDevicesPerUpload answers: how many devices may one batch
	// creation (operation 1) or upload (operation 2) carry? The
	// documentation names no limit, nor how a request over one would be
	// refused, and zero (the default) sets none; Intune's own CSV import
	// takes 500 rows a file. Above zero, a request with more devices is
	// refused, and nothing is created: with 400, ApiFault 800002 "Invalid
	// request input" whose data says the request holds too many devices,
	// as Partner Center refuses other input it does not take. A limit on
	// the body's size would rather be a gateway's 413, which the
	// documentation lists no more than the limit; 500 devices take about
	// 3 MB, far below the limits such gateways set by default.
	MaxDevicesPerUpload int

	// StatusExpiry answers: is a batch job's status still readable days
	// after it finished? The documentation does not say. Zero (the
	// default) keeps statuses forever; above zero, a job finished for
	// longer than StatusExpiry on the emulator's clock answers 404 (code
	// 1000 "Not found"). Jobs still queued or processing and fixed answers
	// never expire.
	StatusExpiry time.Duration
}

// SetAnswers chooses the answers to the questions Microsoft's sources leave
// open (see Answers) for the requests that come next; a request being
// answered keeps the answers it started with. It is safe for concurrent use.
func (e *Emulator) SetAnswers(a Answers) {
	e.answers.Store(&a)
}

// Answers returns the answers SetAnswers chose, the zero value until it is
// called.
func (e *Emulator) Answers() Answers {
	if a := e.answers.Load(); a != nil {
		return *a
	}
	return Answers{}
}

// AnswerSwitch is one field of Answers as a command-line flag or an
// environment variable sets it.
type AnswerSwitch struct {
	// Name is the switch in kebab case, such as "list-hardware-hashes":
	// the partnercenter-emulator command's flag is -Name, its environment
	// variable PARTNERCENTER_EMULATOR_ and Name in upper snake case, such
	// as PARTNERCENTER_EMULATOR_LIST_HARDWARE_HASHES.
	Name string
	// Field is the name of the Answers field it sets, such as
	// "ListHardwareHashes".
	Field string
	// Usage is one line for -help: the question and the answer other than
	// the default, with the flag's argument, if not a bool, in back quotes
	// as the flag package reads them.
	Usage string
	// Set parses value and sets the field of a: strconv.ParseBool's
	// spellings for a bool, a whole number of 0 or more for
	// MaxDevicesPerUpload, a time.ParseDuration of 0 or more for
	// StatusExpiry.
	Set func(a *Answers, value string) error
}

// AnswerSwitches has one switch for each field of Answers, in the order of
// the fields.
var AnswerSwitches = []AnswerSwitch{
	boolSwitch("list-hardware-hashes", "ListHardwareHashes",
		"does a device list carry hardwareHash? true: yes, as the .NET SDK's Device model allows",
		func(a *Answers) *bool { return &a.ListHardwareHashes }),
	boolSwitch("list-uploaded-fields-only", "ListUploadedFieldsOnly",
		"does a device uploaded by hardware hash list the serial number, manufacturer and model decoded from it? true: no, only what the upload carried",
		func(a *Answers) *bool { return &a.ListUploadedFieldsOnly }),
	boolSwitch("status-ids-only", "StatusIDsOnly",
		"does a batch status item of a device uploaded by hardware hash carry serialNumber and productKey? true: no, only deviceId, status and its error",
		func(a *Answers) *bool { return &a.StatusIDsOnly }),
	boolSwitch("failed-jobs-without-results", "FailedJobsWithoutResults",
		"does a batch job that ends finished_with_errors list its devices? true: no, no devicesStatus member at all",
		func(a *Answers) *bool { return &a.FailedJobsWithoutResults }),
	boolSwitch("policy-update-keeps-description", "PolicyUpdateKeepsDescription",
		"does a policy update without description clear it? true: no, it keeps the old one (\"\" clears it)",
		func(a *Answers) *bool { return &a.PolicyUpdateKeepsDescription }),
	boolSwitch("empty-settings-read-as-none", "EmptySettingsReadAsNone",
		`how does a policy with no settings read back? true: as ["none"]`,
		func(a *Answers) *bool { return &a.EmptySettingsReadAsNone }),
	boolSwitch("delete-assigned-policy", "DeleteAssignedPolicy",
		"can a policy that devices still have be deleted? true: yes, 204, and the devices lose it",
		func(a *Answers) *bool { return &a.DeleteAssignedPolicy }),
	boolSwitch("total-count-per-page", "TotalCountPerPage",
		"what does a collection's totalCount count? true: the items on the page",
		func(a *Answers) *bool { return &a.TotalCountPerPage }),
	boolSwitch("pascal-case-enums", "PascalCaseEnums",
		"how are enums spelt in answers? true: as the .NET SDK's names, such as FinishedWithErrors, OOBE, SkipEula",
		func(a *Answers) *bool { return &a.PascalCaseEnums }),
	boolSwitch("bare-array-lists", "BareArrayLists",
		"what do the batch and device lists return? true: a bare array of every item, unpaged, as the REST reference says",
		func(a *Answers) *bool { return &a.BareArrayLists }),
	boolSwitch("case-sensitive-batch-names", "CaseSensitiveBatchNames",
		"are batch IDs compared case-sensitively? true: yes, so that Contoso and contoso are two batches",
		func(a *Answers) *bool { return &a.CaseSensitiveBatchNames }),
	{Name: "max-devices-per-upload", Field: "MaxDevicesPerUpload",
		Usage: "how many devices may one batch creation or upload carry? `N` above 0: at most N, more is refused with 400",
		Set: func(a *Answers, value string) error {
			n, err := strconv.Atoi(value)
			switch {
			case err != nil:
				return errors.New("not a whole number")
			case n < 0:
				return errors.New("negative")
			}
			a.MaxDevicesPerUpload = n
			return nil
		}},
	{Name: "status-expiry", Field: "StatusExpiry",
		Usage: "is a batch job's status readable long after it finished? a `duration` above 0: 404 once finished for longer than that",
		Set: func(a *Answers, value string) error {
			d, err := time.ParseDuration(value)
			switch {
			case err != nil:
				return errors.New("not a duration such as 90s or 24h")
			case d < 0:
				return errors.New("negative")
			}
			a.StatusExpiry = d
			return nil
		}},
}

// boolSwitch is the switch of a bool field of Answers, which field returns.
func boolSwitch(name, fieldName, usage string, field func(*Answers) *bool) AnswerSwitch {
	return AnswerSwitch{Name: name, Field: fieldName, Usage: usage, Set: func(a *Answers, value string) error {
		on, err := strconv.ParseBool(value)
		if err != nil {
			return errors.New("not true or false")
		}
		*field(a) = on
		return nil
	}}
}

// DecodeHardwareHash returns the serial number, manufacturer and model the
// emulator answers for a device uploaded with hash and without them (see
// Answers.ListUploadedFieldsOnly). Partner Center decodes them from the
// real hardware hash, which the emulator cannot, so it derives stand-ins:
// the serial number "EMU" and the first 8 hexadecimal digits, upper case,
// of the SHA-256 of hash, the same for the same hash, manufacturer
// "Emulated OEM" and model "Emulated Model".
func DecodeHardwareHash(hash string) (serialNumber, manufacturer, model string) {
	sum := sha256.Sum256([]byte(hash))
	return "EMU" + strings.ToUpper(hex.EncodeToString(sum[:4])), "Emulated OEM", "Emulated Model"
}

// presentDevice is d as a device list or a device update answers with it
// under a: its hardware hash listed or not, the fields an upload by hash
// did not carry decoded from the hash or not, its policies' keys spelt.
func presentDevice(d Device, a Answers) Device {
	if !a.ListUploadedFieldsOnly {
		d = withDecodedFields(d)
	}
	if !a.ListHardwareHashes {
		d.HardwareHash = ""
	}
	for i := range d.Policies {
		d.Policies[i].Key = a.enum(d.Policies[i].Key)
	}
	return d
}

// withDecodedFields returns d with each of the fields Partner Center
// decodes from a hardware hash that d lacks set as DecodeHardwareHash
// derives it; d unchanged when it has no hash.
func withDecodedFields(d Device) Device {
	if d.HardwareHash == "" {
		return d
	}
	serial, manufacturer, model := DecodeHardwareHash(d.HardwareHash)
	for _, f := range []struct {
		field   *string
		decoded string
	}{
		{&d.SerialNumber, serial}, {&d.OemManufacturerName, manufacturer}, {&d.ModelName, model},
	} {
		if *f.field == "" {
			*f.field = f.decoded
		}
	}
	return d
}

// enum is the documented enum value value, such as finished_with_errors,
// as a spells enums in answers.
func (a Answers) enum(value string) string {
	if a.PascalCaseEnums {
		return pascalCase(value)
	}
	return value
}

// enums is enum for each of values, in a new slice.
func (a Answers) enums(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = a.enum(v)
	}
	return out
}

// pascalCase is a documented snake_case enum value as the .NET SDK names
// it: each word capitalized, the underscores dropped, so that o_o_b_e is
// OOBE and skip_eula SkipEula.
func pascalCase(value string) string {
	var b strings.Builder
	for word := range strings.SplitSeq(value, "_") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// canonicalEnum returns the documented value among known that value spells,
// as documented or as the .NET SDK's enum name (see pascalCase), so that
// requests are understood and stored the one way; value itself, for the
// caller to refuse, when it is neither.
func canonicalEnum(value string, known []string) string {
	for _, k := range known {
		if value == k || value == pascalCase(k) {
			return k
		}
	}
	return value
}
