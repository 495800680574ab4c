package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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
//
// Terraform may plan one resource instance more than once in a run: a
// replacement is planned for the object it replaces, then again, from no
// prior state, for the object it creates. A claim is the instance's, so
// that a plan of the same instance replaces its claim instead of
// conflicting with it, even when its profile is not known yet. The
// framework names no instance to ModifyPlan, and two instances may be
// configured alike, so the instance is told by an owner token in its
// private state: Terraform hands the second plan of a replacement the
// private state the first planned (see claimOwner).

// assignmentClaims are the claims of the assignments one provider process
// has planned.
type assignmentClaims struct {
	mu     sync.Mutex
	claims []assignmentClaim
}

// assignmentClaim is the devices of a batch an assignment gives a profile.
type assignmentClaim struct {
	// owner is the token of the resource instance that claims (claimOwner).
	owner string
	// customerID and batchID name the batch, in lower case: Partner Center
	// compares both case-insensitively.
	customerID, batchID string
	// policyID is the profile, "" while unknown.
	policyID string
	// devices are the device IDs claimed, in lower case; nil for every
	// device of the batch.
	devices map[string]bool
}

// privateClaimOwner is the key of the private state that holds a resource
// instance's owner token while it is planned.
const privateClaimOwner = "claim_owner"

// privateState reads and writes a resource's private state, as the
// framework's requests and responses give it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// claimOwner returns the owner token of the resource instance being
// planned: the one of its prior private state, else a new random one,
// which it writes to the planned private state, so that the plan of the
// object a replacement creates, which Terraform gives the first plan's
// private state, has the same. Update drops it: a token is for one run's
// claims.
func claimOwner(ctx context.Context, prior, planned privateState) (string, diag.Diagnostics) {
	raw, diags := prior.GetKey(ctx, privateClaimOwner)
	var owner string
	if raw != nil && json.Unmarshal(raw, &owner) == nil && owner != "" {
		return owner, diags
	}
	owner = rand.Text()
	// A private state's values are JSON; the token is base32, which a
	// quoted Go string spells as JSON does.
	diags.Append(planned.SetKey(ctx, privateClaimOwner, []byte(strconv.Quote(owner)))...)
	return owner, diags
}

// claimOf is the claim of an assignment planned as m by the resource
// instance of token owner, and whether it can be told: it cannot while the
// batch or the devices named are unknown.
func claimOf(owner string, m devicePolicyAssignmentModel) (assignmentClaim, bool) {
	if m.CustomerID.IsUnknown() || m.BatchID.IsUnknown() || m.DeviceIDs.IsUnknown() {
		return assignmentClaim{}, false
	}
	c := assignmentClaim{owner: owner, customerID: strings.ToLower(m.CustomerID.ValueString()), batchID: strings.ToLower(m.BatchID.ValueString())}
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

// claim records c, the claim of an assignment being planned, in place of
// the claim its owner recorded before, and reports a conflict with the
// claim of another owner.
func (a *assignmentClaims) claim(c assignmentClaim) diag.Diagnostics {
	a.mu.Lock()
	defer a.mu.Unlock()
	var diags diag.Diagnostics
	for _, other := range a.claims {
		if other.owner == c.owner {
			continue
		}
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
	a.claims = slices.DeleteFunc(a.claims, func(other assignmentClaim) bool { return other.owner == c.owner })
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
