package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/partnercenter"
)

// configurationPolicyModel is partnercenter_configuration_policy as the
// framework reads it, and each policy partnercenter_configuration_policies
// lists.
type configurationPolicyModel struct {
	ID                   types.String      `tfsdk:"id"`
	CustomerID           types.String      `tfsdk:"customer_id"`
	PolicyID             types.String      `tfsdk:"policy_id"`
	Name                 types.String      `tfsdk:"name"`
	Description          types.String      `tfsdk:"description"`
	Category             types.String      `tfsdk:"category"`
	PolicySettings       types.Set         `tfsdk:"policy_settings"`
	DevicesAssignedCount types.Int64       `tfsdk:"devices_assigned_count"`
	CreatedDate          timetypes.RFC3339 `tfsdk:"created_date"`
	LastModifiedDate     timetypes.RFC3339 `tfsdk:"last_modified_date"`
	Timeouts             timeouts.Value    `tfsdk:"timeouts"`
}

// policy is the policy m describes, for the client.
func (m configurationPolicyModel) policy() partnercenter.ConfigurationPolicy {
	elements := m.PolicySettings.Elements()
	settings := make([]string, 0, len(elements))
	for _, e := range elements {
		if s, ok := e.(types.String); ok {
			settings = append(settings, s.ValueString())
		}
	}
	return partnercenter.ConfigurationPolicy{
		ID: m.PolicyID.ValueString(), Name: m.Name.ValueString(), Category: m.Category.ValueString(),
		Description: m.Description.ValueString(), PolicySettings: settings,
	}
}

// set puts what Partner Center holds of a policy into m.
func (m *configurationPolicyModel) set(customerID string, p *partnercenter.ConfigurationPolicy) {
	m.ID = types.StringValue(customerID + "/" + p.ID)
	m.PolicyID = types.StringValue(p.ID)
	m.Name = types.StringValue(p.Name)
	m.Description = nullableString(p.Description)
	m.Category = types.StringValue(p.Category)
	m.PolicySettings = stringSet(p.PolicySettings)
	m.DevicesAssignedCount = types.Int64Value(int64(p.DevicesAssignedCount))
	m.CreatedDate = nullableTime(p.CreatedDate)
	m.LastModifiedDate = nullableTime(p.LastModifiedDate)
}
