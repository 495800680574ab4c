package provider

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A device has one Autopilot profile. Two partnercenter_device_policy_assignment
// resources that give devices of one batch different profiles, one of them
// batch-wide or both naming a device, would each take the profile the other
// gave at every apply, and never converge. Each resource sees only itself,
// but one provider process plans every resource of a run: the assignments
// planned record here which devices they claim, and the one planned second
// is refused, naming both.

// assignmentClaims are the claims of the assignments one provider process
// has planned.
type assignmentClaims struct {
	mu     sync.Mutex
	claims []assignmentClaim
}

// assignmentClaim is the devices of a batch an assignment gives a profile.
type assignmentClaim struct {
	// customerID and batchID name the batch, in lower case: Partner Center
	// compares both case-insensitively.
	customerID, batchID string
	// policyID is the profile, "" while unknown.
	policyID string
	// devices are the device IDs claimed, in lower case; nil for every
	// device of the batch.
	devices map[string]bool
}

// claimOf is the claim of an assignment planned as m, and whether it can be
// told: it cannot while the batch or the devices named are unknown.
func claimOf(m devicePolicyAssignmentModel) (assignmentClaim, bool) {
	if m.CustomerID.IsUnknown() || m.BatchID.IsUnknown() || m.DeviceIDs.IsUnknown() {
		return assignmentClaim{}, false
	}
	c := assignmentClaim{customerID: strings.ToLower(m.CustomerID.ValueString()), batchID: strings.ToLower(m.BatchID.ValueString())}
	if !m.PolicyID.IsUnknown() {
		c.policyID = strings.ToLower(m.PolicyID.ValueString())
	}
	if !m.DeviceIDs.IsNull() {
		c.devices = map[string]bool{}
		for _, e := range m.DeviceIDs.Elements() {
			s, ok := e.(types.String)
			if !ok || s.IsUnknown() {
				return assignmentClaim{}, false
			}
			c.devices[strings.ToLower(s.ValueString())] = true
		}
	}
	return c, true
}

// claim records c, the claim of an assignment being planned, and reports a
// conflict with a claim recorded before it.
func (a *assignmentClaims) claim(c assignmentClaim) diag.Diagnostics {
	a.mu.Lock()
	defer a.mu.Unlock()
	var diags diag.Diagnostics
	for _, other := range a.claims {
		if shared, ok := c.conflictsWith(other); ok {
			diags.AddAttributeError(path.Root("device_ids"), "Two assignments give the same devices a profile",
				fmt.Sprintf("This partnercenter_device_policy_assignment gives %s, and another gives %s, of batch %q of customer %s: %s. "+
					"A device has one Autopilot profile, so each apply would take off the profile the other gave. Give each "+
					"assignment its own devices with device_ids, such as the values of partnercenter_device_batch's device_ids for "+
					"the keys each should cover, and leave no assignment of that batch without device_ids.",
					c.describe(), other.describe(), c.batchID, c.customerID, shared))
			break
		}
	}
	a.claims = append(a.claims, c)
	return diags
}

// conflictsWith reports whether c and other claim a device of one batch
// for different profiles (or profiles not known yet), and says which.
func (c assignmentClaim) conflictsWith(other assignmentClaim) (string, bool) {
	switch {
	case c.customerID != other.customerID || c.batchID != other.batchID:
		return "", false
	case c.policyID != "" && c.policyID == other.policyID:
		return "", false
	case c.devices == nil || other.devices == nil:
		return "every device of the batch is claimed by one of them", true
	}
	var shared []string
	for id := range c.devices {
		if other.devices[id] {
			shared = append(shared, id)
		}
	}
	if len(shared) == 0 {
		return "", false
	}
	slices.Sort(shared)
	const shown = 5
	if len(shared) > shown {
		return fmt.Sprintf("both name devices %s and %d more", strings.Join(shared[:shown], ", "), len(shared)-shown), true
	}
	return "both name devices " + strings.Join(shared, ", "), true
}

// describe says what c gives: which profile to which devices.
func (c assignmentClaim) describe() string {
	profile := "a profile not created yet"
	if c.policyID != "" {
		profile = "profile " + c.policyID
	}
	if c.devices == nil {
		return profile + " to every device"
	}
	return fmt.Sprintf("%s to %d device(s)", profile, len(c.devices))
}
