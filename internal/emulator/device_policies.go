package emulator

import (
	"fmt"
	"strconv"
)

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

// ErrorDescriptionStorageError is the generic failure, to be retried
// later, that Partner Center's public material names without a number. The
// emulator fails no device with it of its own accord; tests choose it with
// FailDevicePolicyUpdates.
const ErrorDescriptionStorageError = "StorageError"

// updateDevicePolicies answers PATCH /v1/customers/{cid}/DevicePolicyUpdates
// (operation 8), {"devices": [{"id": "...", "policies": [{"key":
// "o_o_b_e", "value": "<policy ID>"}]}]}: it starts a job that sets each
// device's policy as its turn comes and answers 202 with the Location of
// the job's status. A device that is not the customer's, or a policy that
// is not, fails that device alone, as does a device that
// FailDevicePolicyUpdates made fail. A null value takes the device's policy
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
		if code, description := e.assignPolicy(customerID, item.deviceID, policyIDs[i]); code != "" || description != "" {
			item.failed, item.errorCode, item.errorDescription = true, code, description
		}
		return item
	})
}

// assignPolicy sets the o_o_b_e policy of device deviceID of customerID to
// policyID, none when empty, and returns the error code and description of
// a failure, both empty on success. A device FailDevicePolicyUpdates made
// fail keeps its policy.
func (e *Emulator) assignPolicy(customerID, deviceID, policyID string) (code, description string) {
	defer e.lockPoliciesAndDevices()()
	var policy *ConfigurationPolicy
	if policyID != "" {
		policy = e.policies.findLocked(customerID, policyID)
	}
	d := e.devices.byCustomerAndIDLocked(customerID, deviceID)
	switch {
	case d == nil:
		return "", ErrorDescriptionDeviceNotFound
	case policyID != "" && policy == nil:
		return "", ErrorDescriptionPolicyNotFound
	case d.policyUpdateError != (deviceError{}):
		return d.policyUpdateError.code, d.policyUpdateError.description
	case policy != nil:
		d.setOOBEPolicy(policy.ID)
	default:
		d.setOOBEPolicy("")
	}
	return "", ""
}

// deviceError is a device's error in a batch job's status: Partner
// Center's code, empty for an error its material names without a number,
// and its description.
type deviceError struct {
	code, description string
}

// FailDevicePolicyUpdates makes each device policy update (operation 8)
// of device deviceID of customerID whose turn comes from now on fail that
// device alone with errorCode and errorDescription, its policy left as it
// was, as Partner Center may fail one device of an update for a reason of
// its own: ErrorDescriptionStorageError without a code is the one its
// public material names. The update's other devices get their policy, and
// the job ends finished_with_errors, listing the failure unless
// Answers.FailedJobsWithoutResults says otherwise. It lasts until called
// again with both empty, or until the device is deleted; device updates
// (operation 6) are not affected.
func (e *Emulator) FailDevicePolicyUpdates(customerID, deviceID, errorCode, errorDescription string) error {
	e.settle()
	if !e.devices.setPolicyUpdateError(customerID, deviceID, deviceError{errorCode, errorDescription}) {
		return fmt.Errorf("emulator: customer %s has no device %s", customerID, deviceID)
	}
	return nil
}
