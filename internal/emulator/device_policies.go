package emulator

import "strconv"

// The per-device errors of device policy updates. The documentation names
// none, so these descriptions are the emulator's, without a code.
const (
	// ErrorDescriptionDeviceNotFound fails a device that is none of the
	// customer's.
	ErrorDescriptionDeviceNotFound = "DeviceNotFound"
	// ErrorDescriptionPolicyNotFound fails a device whose new policy is
	// none of the customer's.
	ErrorDescriptionPolicyNotFound = "PolicyNotFound"
)

// updateDevicePolicies answers PATCH /v1/customers/{cid}/DevicePolicyUpdates
// (operation 8), {"devices": [{"id": "...", "policies": [{"key":
// "o_o_b_e", "value": "<policy ID>"}]}]}: it starts a job that sets each
// device's policy as its turn comes and answers 202 with the Location of
// the job's status. A device that is not the customer's, or a policy that
// is not, fails that device alone. A null value takes the device's policy
// away: Partner Center documents no way to do that, so this is the
// emulator's convenience, not Partner Center's documented behaviour.
func (e *Emulator) updateDevicePolicies(c *call) answer {
	var body struct {
		Devices []Device `json:"devices"`
	}
	if a, ok := decodeBody(c, &body); !ok {
		return a
	}
	if len(body.Devices) == 0 {
		return invalidInput("The request holds no device.")
	}
	policyIDs := make([]string, len(body.Devices))
	for i, d := range body.Devices {
		if d.ID == "" {
			return invalidInput("Device " + strconv.Itoa(i) + " has no id.")
		}
		if len(d.Policies) == 0 {
			return invalidInput("Device " + d.ID + " has no policy to apply.")
		}
		if problem := checkPolicyCategories(d.Policies); problem != "" {
			return invalidInput(problem)
		}
		for _, p := range d.Policies {
			policyIDs[i] = ""
			if p.Value != nil {
				policyIDs[i] = *p.Value
			}
		}
	}
	customerID := c.params[0]
	items := make([]jobItem, len(body.Devices))
	for i, d := range body.Devices {
		items[i] = jobItem{deviceID: d.ID}
		if known := e.devices.byCustomerAndID(customerID, d.ID); known != nil {
			items[i].serialNumber, items[i].productKey = known.SerialNumber, known.ProductKey
		}
	}
	return e.startJob(customerID, c.pace, items, func(i int) jobItem {
		item := items[i]
		if description := e.assignPolicy(customerID, item.deviceID, policyIDs[i]); description != "" {
			item.failed, item.errorDescription = true, description
		}
		return item
	})
}

// assignPolicy sets the o_o_b_e policy of device deviceID of customerID to
// policyID, none when empty, and returns the error description of a
// failure, empty on success.
func (e *Emulator) assignPolicy(customerID, deviceID, policyID string) string {
	defer e.lockPoliciesAndDevices()()
	var policy *ConfigurationPolicy
	if policyID != "" {
		policy = e.policies.findLocked(customerID, policyID)
	}
	d := e.devices.byCustomerAndIDLocked(customerID, deviceID)
	switch {
	case d == nil:
		return ErrorDescriptionDeviceNotFound
	case policyID != "" && policy == nil:
		return ErrorDescriptionPolicyNotFound
	case policy != nil:
		d.setOOBEPolicy(policy.ID)
	default:
		d.setOOBEPolicy("")
	}
	return ""
}
