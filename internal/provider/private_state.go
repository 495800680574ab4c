package provider

// privateImported marks in the private state a resource that ImportState
// made, for the Read that follows to take Partner Center's spelling of the
// batch's name, which the import ID may spell in another case: both
// partnercenter_device_batch and partnercenter_device_policy_assignment
// set it.
const privateImported = "imported"
