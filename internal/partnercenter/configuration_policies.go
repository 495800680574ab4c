package partnercenter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ConfigurationPolicy is a Windows Autopilot profile: Partner Center's
// configuration policy of a customer.
type ConfigurationPolicy struct {
	// ID is the policy's GUID, which Partner Center generates.
	ID   string
	Name string
	// Category is PolicyCategoryOOBE or PolicyCategoryNone; Partner Center
	// cannot change it.
	Category    string
	Description string
	// PolicySettings are among PolicySettings; an update replaces them as
	// a whole.
	PolicySettings       []string
	DevicesAssignedCount int
	// CreatedDate and LastModifiedDate are in UTC; the zero time when not set.
	CreatedDate      time.Time
	LastModifiedDate time.Time
}

// The policy categories Partner Center documents.
const (
	PolicyCategoryOOBE = policyCategoryOOBE
	PolicyCategoryNone = "none"
)

// PolicySettings are the settings a configuration policy may hold, as
// Partner Center names them. Its docs list "none" too, which sets nothing:
// a policy read back with it alone, as Partner Center may answer for a
// policy without settings, has none.
var PolicySettings = []string{
	"remove_oem_preinstalls",
	"oobe_user_not_local_admin",
	"skip_express_settings",
	"skip_oem_registration",
	"skip_eula",
}

// PolicySettingNone is the setting that sets nothing, not among
// PolicySettings: Partner Center's docs list it, and it may list it alone
// for a policy without settings; a policy's settings are read without it.
const PolicySettingNone = "none"

// policyCategories are the documented policy categories.
var policyCategories = []string{PolicyCategoryOOBE, PolicyCategoryNone}

// readSettings is the settings of a policy as Partner Center answered them,
// in their documented spelling and without "none".
func readSettings(settings []string) []string {
	known := append([]string{PolicySettingNone}, PolicySettings...)
	read := make([]string, 0, len(settings))
	for _, s := range settings {
		if s = canonicalEnum(s, known); s != PolicySettingNone {
			read = append(read, s)
		}
	}
	return read
}

// policyWire is a ConfigurationPolicy as Partner Center's JSON writes it.
// The description is always sent: Partner Center may keep the old one when
// an update leaves it out, so an empty one is what clears it.
type policyWire struct {
	ID             string   `json:"id,omitempty"`
	Name           string   `json:"name"`
	Category       string   `json:"category"`
	Description    string   `json:"description"`
	PolicySettings []string `json:"policySettings"`
}

// UnmarshalJSON decodes Partner Center's ConfigurationPolicy. The docs name
// the count devicesAssignedCount, some samples devicesAssigned: both are
// read. The category and settings are read in any spelling (see
// canonicalEnum), the settings without "none".
func (p *ConfigurationPolicy) UnmarshalJSON(data []byte) error {
	var wire struct {
		policyWire
		DevicesAssignedCount *int     `json:"devicesAssignedCount"`
		DevicesAssigned      *int     `json:"devicesAssigned"`
		CreatedDate          dateTime `json:"createdDate"`
		LastModifiedDate     dateTime `json:"lastModifiedDate"`
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	*p = ConfigurationPolicy{
		ID: wire.ID, Name: wire.Name, Category: canonicalEnum(wire.Category, policyCategories), Description: wire.Description,
		PolicySettings: readSettings(wire.PolicySettings),
		CreatedDate:    time.Time(wire.CreatedDate), LastModifiedDate: time.Time(wire.LastModifiedDate),
	}
	switch {
	case wire.DevicesAssignedCount != nil:
		p.DevicesAssignedCount = *wire.DevicesAssignedCount
	case wire.DevicesAssigned != nil:
		p.DevicesAssignedCount = *wire.DevicesAssigned
	}
	return nil
}

// wire is p as a create or update sends it.
func (p ConfigurationPolicy) wire() policyWire {
	settings := p.PolicySettings
	if settings == nil {
		// Partner Center requires the list, even empty.
		settings = []string{}
	}
	return policyWire{ID: p.ID, Name: p.Name, Category: p.Category, Description: p.Description, PolicySettings: settings}
}

// ListConfigurationPolicies reads every policy of a customer (operation #9).
func (c *Client) ListConfigurationPolicies(ctx context.Context, customerID string) ([]ConfigurationPolicy, error) {
	return listAll[ConfigurationPolicy](ctx, c, policiesPath(customerID), "the policy list")
}

// GetConfigurationPolicy reads one policy (operation #10).
func (c *Client) GetConfigurationPolicy(ctx context.Context, customerID, policyID string) (*ConfigurationPolicy, error) {
	return c.policyCall(ctx, http.MethodGet, policyPath(customerID, policyID), nil, "the policy")
}

// CreateConfigurationPolicy creates a policy (operation #11) and returns it
// as Partner Center holds it, with its ID. p.ID is ignored.
func (c *Client) CreateConfigurationPolicy(ctx context.Context, customerID string, p ConfigurationPolicy) (*ConfigurationPolicy, error) {
	p.ID = ""
	return c.policyCall(ctx, http.MethodPost, policiesPath(customerID), p.wire(), "the policy creation answer")
}

// UpdateConfigurationPolicy replaces a policy's name, description and
// settings (operation #12); its category cannot change.
func (c *Client) UpdateConfigurationPolicy(ctx context.Context, customerID string, p ConfigurationPolicy) (*ConfigurationPolicy, error) {
	return c.policyCall(ctx, http.MethodPut, policyPath(customerID, p.ID), p.wire(), "the policy update answer")
}

// DeleteConfigurationPolicy deletes a policy (operation #13). Microsoft
// does not document what Partner Center answers for a policy that devices
// still have: the emulator's default is 409, and a 400 is as plausible.
// So when the deletion is refused with either, the policy is read: when
// devices have it, the error is a *PolicyInUseError wrapping the refusal
// (KindInUse), which waiting alone does not resolve. Otherwise, or when
// the policy cannot be read, the refusal is returned as it came.
func (c *Client) DeleteConfigurationPolicy(ctx context.Context, customerID, policyID string) error {
	_, err := c.do(ctx, request{
		method:  http.MethodDelete,
		path:    policyPath(customerID, policyID),
		success: []int{http.StatusNoContent, http.StatusOK},
		what:    "the policy deletion answer",
	})
	var refusal *ResponseError
	if !errors.As(err, &refusal) || (refusal.StatusCode != http.StatusConflict && refusal.StatusCode != http.StatusBadRequest) {
		return err
	}
	p, getErr := c.GetConfigurationPolicy(ctx, customerID, policyID)
	if getErr != nil || p.DevicesAssignedCount <= 0 {
		return err
	}
	return &PolicyInUseError{PolicyID: policyID, Devices: p.DevicesAssignedCount, Err: err}
}

// PolicyInUseError is Partner Center's refusal to delete a configuration
// policy that devices still have. KindOf says KindInUse.
type PolicyInUseError struct {
	// PolicyID is the policy's ID, as the caller gave it.
	PolicyID string
	// Devices is how many devices have the policy, as Partner Center
	// counted them after refusing.
	Devices int
	// Err is the refusal, a *ResponseError.
	Err error
}

// Error says which policy, how many devices have it, and the refusal.
func (e *PolicyInUseError) Error() string {
	devices := "devices still have"
	if e.Devices == 1 {
		devices = "device still has"
	}
	return fmt.Sprintf("Partner Center refused to delete policy %s, which %d %s: %v", e.PolicyID, e.Devices, devices, e.Err)
}

// Unwrap returns the refusal, so that errors.As finds its *ResponseError.
func (e *PolicyInUseError) Unwrap() error {
	return e.Err
}

// policyCall sends a request answered by a ConfigurationPolicy. Partner
// Center documents 200 for a creation; 201 is accepted as well.
func (c *Client) policyCall(ctx context.Context, method, path string, body any, what string) (*ConfigurationPolicy, error) {
	var p ConfigurationPolicy
	_, err := c.do(ctx, request{
		method: method, path: path, body: body,
		success: []int{http.StatusOK, http.StatusCreated},
		out:     &p, what: what,
		check: func() string {
			if p.ID == "" {
				return what + " has no id"
			}
			return ""
		},
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// AssignPolicy makes policyID the Autopilot profile (the o_o_b_e policy) of
// the devices deviceIDs of a customer (operation #8), in parts as
// UploadDevices sends devices, and returns the batch job of each part
// taken, which applies it. It stops at the first part that fails,
// returning the jobs of the parts taken before it with the error.
func (c *Client) AssignPolicy(ctx context.Context, customerID, policyID string, deviceIDs []string) ([]*BatchJob, error) {
	// Not deviceWire: its id is omitempty, and every device here names one.
	type device struct {
		ID       string       `json:"id"`
		Policies []policyPair `json:"policies"`
	}
	return sendInParts(ctx, c, deviceIDs, func(part []string, _ bool) (*BatchJob, error) {
		devices := make([]device, len(part))
		for i, id := range part {
			devices[i] = device{ID: id, Policies: []policyPair{{Key: policyCategoryOOBE, Value: &policyID}}}
		}
		return c.startJob(ctx, request{
			method: http.MethodPatch,
			path:   devicePolicyUpdatesPath(customerID),
			body: struct {
				Devices []device `json:"devices"`
			}{devices},
			what: "the device policy update answer",
		})
	})
}
