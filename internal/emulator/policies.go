package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
)

// ConfigurationPolicy is a configuration policy (a Windows Autopilot
// profile) as Partner Center sends it, with the same JSON names.
type ConfigurationPolicy struct {
	// ID is the policy's GUID, which Partner Center generates.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Category is PolicyCategoryOOBE or "none"; it cannot change.
	Category    string `json:"category"`
	Description string `json:"description"`
	// DevicesAssignedCount is the number of devices whose o_o_b_e policy
	// this is, kept true as devices are assigned and unassigned. Some of
	// Microsoft's samples call it devicesAssigned: see
	// UseDevicesAssignedField.
	DevicesAssignedCount int `json:"devicesAssignedCount"`
	// PolicySettings are among PolicySettings.
	PolicySettings []string `json:"policySettings"`
	// CreatedDate and LastModifiedDate are in UTC without a zone, as
	// Partner Center writes date-times: 2026-01-02T15:04:05.
	CreatedDate      string `json:"createdDate"`
	LastModifiedDate string `json:"lastModifiedDate"`
}

// PolicySettings are the settings a configuration policy may hold.
var PolicySettings = []string{"none", "remove_oem_preinstalls", "oobe_user_not_local_admin", "skip_express_settings", "skip_oem_registration", "skip_eula"}

// policyCategories are the categories of configuration policies.
var policyCategories = []string{"none", PolicyCategoryOOBE}

// policyStore holds each customer's configuration policies. A handler may
// call the device store's methods while it holds the policies' lock: those
// take the devices' lock and reach no other store. A handler that takes
// both locks itself does so with lockPoliciesAndDevices.
type policyStore struct {
	mu sync.Mutex
	// policies maps lower-case customer IDs to their policies in the order
	// they were created.
	policies map[string][]*ConfigurationPolicy
	// devicesAssigned names the count devicesAssigned in bodies.
	devicesAssigned atomic.Bool
}

// lockPoliciesAndDevices takes the policies' lock, then the devices', and
// returns what releases both. Every place that holds both takes them here,
// in the order of the policy store's calls into the device store, so no two
// can deadlock; and no policy is deleted while it is being assigned.
func (e *Emulator) lockPoliciesAndDevices() (unlock func()) {
	e.policies.mu.Lock()
	e.devices.mu.Lock()
	return func() {
		e.devices.mu.Unlock()
		e.policies.mu.Unlock()
	}
}

func newPolicyStore() policyStore {
	return policyStore{policies: map[string][]*ConfigurationPolicy{}}
}

// findLocked returns the policy policyID of customerID, nil when there is
// none. The caller holds s.mu.
func (s *policyStore) findLocked(customerID, policyID string) *ConfigurationPolicy {
	for _, p := range s.policies[strings.ToLower(customerID)] {
		if strings.EqualFold(p.ID, policyID) {
			return p
		}
	}
	return nil
}

// UseDevicesAssignedField makes policy bodies name the count of assigned
// devices devicesAssigned when on, as some of Microsoft's samples do,
// instead of devicesAssignedCount, so that clients can be tried with both.
func (e *Emulator) UseDevicesAssignedField(on bool) {
	e.policies.devicesAssigned.Store(on)
}

// policyResource is a policy as Partner Center sends it, its count under
// one name or the other.
type policyResource struct {
	ID                   string     `json:"id"`
	Name                 string     `json:"name"`
	Category             string     `json:"category"`
	Description          string     `json:"description"`
	DevicesAssignedCount *int       `json:"devicesAssignedCount,omitempty"`
	DevicesAssigned      *int       `json:"devicesAssigned,omitempty"`
	PolicySettings       []string   `json:"policySettings"`
	CreatedDate          string     `json:"createdDate"`
	LastModifiedDate     string     `json:"lastModifiedDate"`
	Attributes           objectType `json:"attributes"`
}

// resource is p as Partner Center sends it under a: no settings as [] or
// ["none"], enums spelt as a spells them.
func (s *policyStore) resource(p ConfigurationPolicy, a Answers) policyResource {
	settings := p.PolicySettings
	if len(settings) == 0 && a.EmptySettingsReadAsNone {
		settings = []string{"none"}
	}
	r := policyResource{ID: p.ID, Name: p.Name, Category: a.enum(p.Category), Description: p.Description, PolicySettings: a.enums(settings),
		CreatedDate: p.CreatedDate, LastModifiedDate: p.LastModifiedDate, Attributes: objectType{"ConfigurationPolicy"}}
	if s.devicesAssigned.Load() {
		r.DevicesAssigned = &p.DevicesAssignedCount
	} else {
		r.DevicesAssignedCount = &p.DevicesAssignedCount
	}
	return r
}

// policiesOf returns copies of the policies of customerID, with their
// device counts, in the order they were created.
func (e *Emulator) policiesOf(customerID string) []ConfigurationPolicy {
	e.policies.mu.Lock()
	defer e.policies.mu.Unlock()
	counts := e.devices.policyCounts(customerID)
	stored := e.policies.policies[strings.ToLower(customerID)]
	out := make([]ConfigurationPolicy, len(stored))
	for i, p := range stored {
		out[i] = p.withCount(counts)
	}
	return out
}

// withCount returns a copy of p with its count from counts, which maps
// lower-case policy IDs to the number of devices assigned.
func (p *ConfigurationPolicy) withCount(counts map[string]int) ConfigurationPolicy {
	c := *p
	c.PolicySettings = slices.Clone(p.PolicySettings)
	c.DevicesAssignedCount = counts[strings.ToLower(p.ID)]
	return c
}

// policyBody is the body of operations 11 and 12. Description and
// PolicySettings are pointers so that a missing member tells from an empty
// one.
type policyBody struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Category       string    `json:"category"`
	Description    *string   `json:"description"`
	PolicySettings *[]string `json:"policySettings"`
}

// canonical returns b with its category and settings spelt as documented
// when they are spelt as the .NET SDK names them, such as OOBE or
// SkipEula, so that they are checked and stored the one way.
func (b policyBody) canonical() policyBody {
	b.Category = canonicalEnum(b.Category, policyCategories)
	if b.PolicySettings != nil {
		settings := make([]string, len(*b.PolicySettings))
		for i, setting := range *b.PolicySettings {
			settings[i] = canonicalEnum(setting, PolicySettings)
		}
		b.PolicySettings = &settings
	}
	return b
}

// description is the body's description, empty when it has none.
func (b policyBody) description() string {
	if b.Description == nil {
		return ""
	}
	return *b.Description
}

// check returns why b, canonical, is not a policy Partner Center accepts,
// empty when it is.
func (b policyBody) check() string {
	switch {
	case b.Name == "":
		return "The name of the policy is required."
	case b.Category == "":
		return "The category of the policy is required."
	case !slices.Contains(policyCategories, b.Category):
		return fmt.Sprintf("Unknown policy category %q: it is one of %s.", b.Category, strings.Join(policyCategories, ", "))
	case b.PolicySettings == nil:
		return "The policySettings of the policy are required."
	}
	for _, setting := range *b.PolicySettings {
		if !slices.Contains(PolicySettings, setting) {
			return fmt.Sprintf("Unknown policy setting %q: each is one of %s.", setting, strings.Join(PolicySettings, ", "))
		}
	}
	return ""
}

// listPolicies answers GET /v1/customers/{cid}/policies (operation 9).
func (e *Emulator) listPolicies(c *call) answer {
	customerID := c.params[0]
	return page(e, c, "/customers/"+customerID+"/policies", e.policiesOf(customerID), func(p ConfigurationPolicy) policyResource {
		return e.policies.resource(p, c.answers)
	})
}

// getPolicy answers GET /v1/customers/{cid}/policies/{pid} (operation 10).
// Its route starts the body with a byte order mark, as Microsoft's sample
// of the operation does. It copies the one policy it finds, as updatePolicy
// does, not every policy of the customer; like every handler it locks
// policies before the devices that counting locks.
func (e *Emulator) getPolicy(c *call) answer {
	customerID, policyID := c.params[0], c.params[1]
	e.policies.mu.Lock()
	defer e.policies.mu.Unlock()
	p := e.policies.findLocked(customerID, policyID)
	if p == nil {
		return notFound()
	}
	return answer{status: http.StatusOK, body: mustMarshal(e.policies.resource(p.withCount(e.devices.policyCounts(customerID)), c.answers))}
}

// createPolicy answers POST /v1/customers/{cid}/policies (operation 11)
// with 200, not 201, and the new policy, as Microsoft documents it.
func (e *Emulator) createPolicy(c *call) answer {
	var body policyBody
	if a, ok := decodeBody(c, &body); !ok {
		return a
	}
	body = body.canonical()
	if problem := body.check(); problem != "" {
		return invalidInput(problem)
	}
	customerID := c.params[0]
	now := c.pace.now.UTC().Format(partnerCenterTimeLayout)
	p := &ConfigurationPolicy{ID: uuid.NewString(), Name: body.Name, Category: body.Category, Description: body.description(),
		PolicySettings: slices.Clone(*body.PolicySettings), CreatedDate: now, LastModifiedDate: now}
	e.customers.add(customerID)
	e.policies.mu.Lock()
	key := strings.ToLower(customerID)
	e.policies.policies[key] = append(e.policies.policies[key], p)
	created := *p
	e.policies.mu.Unlock()
	return answer{status: http.StatusOK, body: mustMarshal(e.policies.resource(created, c.answers))}
}

// updatePolicy answers PUT /v1/customers/{cid}/policies/{pid} (operation
// 12): the body's name, description and settings, as a whole, replace the
// policy's; a body without description keeps the policy's under
// Answers.PolicyUpdateKeepsDescription. Its id must be the path's and its
// category the policy's, which cannot change.
func (e *Emulator) updatePolicy(c *call) answer {
	var body policyBody
	if a, ok := decodeBody(c, &body); !ok {
		return a
	}
	body = body.canonical()
	customerID, policyID := c.params[0], c.params[1]
	now := c.pace.now.UTC().Format(partnerCenterTimeLayout)
	e.policies.mu.Lock()
	defer e.policies.mu.Unlock()
	p := e.policies.findLocked(customerID, policyID)
	if p == nil {
		return notFound()
	}
	switch problem := body.check(); {
	case body.ID == "":
		return invalidInput("The id of the policy is required.")
	case !strings.EqualFold(body.ID, p.ID):
		return invalidInput(fmt.Sprintf("The id %q in the body is not the policy %s of the path.", body.ID, p.ID))
	case problem != "":
		return invalidInput(problem)
	case body.Category != p.Category:
		return faultAnswer(http.StatusBadRequest, codeInvalidInput, fmt.Sprintf(
			"The category of a configuration policy cannot be changed: policy %s is %s, not %s. Create a policy of category %s instead.",
			p.ID, p.Category, body.Category, body.Category))
	}
	if body.Description != nil || !c.answers.PolicyUpdateKeepsDescription {
		p.Description = body.description()
	}
	p.Name, p.PolicySettings, p.LastModifiedDate = body.Name, slices.Clone(*body.PolicySettings), now
	return answer{status: http.StatusOK, body: mustMarshal(e.policies.resource(p.withCount(e.devices.policyCounts(customerID)), c.answers))}
}

// deletePolicy answers DELETE /v1/customers/{cid}/policies/{pid}
// (operation 13) with 204. The documentation does not say what becomes of
// devices whose policy it is; by default the emulator refuses to leave
// them with a policy that no longer exists, with 409 (code 409: none is
// documented), and under Answers.DeleteAssignedPolicy takes it from them.
func (e *Emulator) deletePolicy(c *call) answer {
	customerID, policyID := c.params[0], c.params[1]
	e.policies.mu.Lock()
	defer e.policies.mu.Unlock()
	p := e.policies.findLocked(customerID, policyID)
	if p == nil {
		return notFound()
	}
	if c.answers.DeleteAssignedPolicy {
		e.devices.unassign(customerID, p.ID)
	} else if n := e.devices.policyCounts(customerID)[strings.ToLower(p.ID)]; n > 0 {
		return faultAnswer(http.StatusConflict, codeConflict, fmt.Sprintf(
			"The configuration policy %s is assigned to %d device(s). Assign those devices another policy, or none, before deleting it.", p.ID, n))
	}
	e.policies.removeLocked(customerID, p)
	return answer{status: http.StatusNoContent}
}

// removeLocked deletes p from the policies of customerID. The caller holds
// s.mu.
func (s *policyStore) removeLocked(customerID string, p *ConfigurationPolicy) {
	key := strings.ToLower(customerID)
	s.policies[key] = slices.DeleteFunc(s.policies[key], func(other *ConfigurationPolicy) bool { return other == p })
}

// Policies returns the configuration policies of customerID, with their
// device counts, in the order they were created, after the jobs due have
// made their changes.
func (e *Emulator) Policies(customerID string) []ConfigurationPolicy {
	e.settle()
	return e.policiesOf(customerID)
}

// PutPolicy stores p as a configuration policy of customerID behind any
// client's back, as a change in Partner Center's portal would, and returns
// its ID: it replaces the policy with p's ID, or adds p, with a new ID
// when it has none. Nothing is checked, not even that the category stays:
// tests may store what Partner Center would refuse. Empty dates are set
// to now, and the count of assigned devices is always computed.
func (e *Emulator) PutPolicy(customerID string, p ConfigurationPolicy) string {
	p.PolicySettings = slices.Clone(p.PolicySettings)
	if p.ID == "" {
		p.ID = uuid.NewString()
	}
	now := e.pacing.current().now.UTC().Format(partnerCenterTimeLayout)
	if p.CreatedDate == "" {
		p.CreatedDate = now
	}
	if p.LastModifiedDate == "" {
		p.LastModifiedDate = now
	}
	e.customers.add(customerID)
	e.policies.mu.Lock()
	defer e.policies.mu.Unlock()
	if old := e.policies.findLocked(customerID, p.ID); old != nil {
		*old = p
		return p.ID
	}
	key := strings.ToLower(customerID)
	e.policies.policies[key] = append(e.policies.policies[key], &p)
	return p.ID
}

// DeletePolicy deletes a configuration policy of customerID behind any
// client's back, even one still assigned to devices, which keep it.
func (e *Emulator) DeletePolicy(customerID, policyID string) error {
	e.policies.mu.Lock()
	defer e.policies.mu.Unlock()
	p := e.policies.findLocked(customerID, policyID)
	if p == nil {
		return fmt.Errorf("emulator: no policy %s of customer %s", policyID, customerID)
	}
	e.policies.removeLocked(customerID, p)
	return nil
}
