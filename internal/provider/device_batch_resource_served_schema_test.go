package provider

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// TestServedSchemaIsTheNestedOne checks that Terraform is served exactly the
// schemas the framework serves when partnercenter_device_batch declares
// devices as the map nested attribute, while the framework itself holds a
// plain map; and that the device's arguments carry nothing (validators, plan
// modifiers, defaults) that the framework would skip in a plain map.
func TestServedSchemaIsTheNestedOne(t *testing.T) {
	schemas := func(s tfprotov6.ProviderServer) *tfprotov6.GetProviderSchemaResponse {
		t.Helper()
		resp, err := s.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatal(err, resp.Diagnostics)
		}
		return resp
	}
	devicesOf := func(resp *tfprotov6.GetProviderSchemaResponse) *tfprotov6.SchemaAttribute {
		t.Helper()
		for _, a := range resp.ResourceSchemas[deviceBatchResourceType].Block.Attributes {
			if a.Name == "devices" {
				return a
			}
		}
		t.Fatal("no devices attribute")
		return nil
	}

	nested := schemas(providerserver.NewProtocol6(&partnerCenterProvider{version: "test", nestedDevices: true})())
	framework := schemas(providerserver.NewProtocol6(&partnerCenterProvider{version: "test"})())
	served := schemas(NewServer("test")())

	if d := devicesOf(nested); d.NestedType == nil || d.NestedType.Nesting != tfprotov6.SchemaObjectNestingModeMap || d.Type != nil {
		t.Fatalf("deviceBatchSchema's devices is served as %+v, want a map nested attribute", d)
	}
	if d := devicesOf(framework); d.NestedType != nil || d.Type == nil {
		t.Fatalf("the framework holds devices as %+v, want a plain map", d)
	}
	if !reflect.DeepEqual(served, nested) {
		for _, a := range served.ResourceSchemas[deviceBatchResourceType].Block.Attributes {
			for _, want := range nested.ResourceSchemas[deviceBatchResourceType].Block.Attributes {
				if a.Name == want.Name && !reflect.DeepEqual(a, want) {
					t.Errorf("%s is served as %+v, want %+v", a.Name, a, want)
				}
			}
		}
		t.Fatal("the served schemas differ from those of devices as a map nested attribute")
	}

	devices := deviceBatchSchema().Attributes["devices"].(schema.MapNestedAttribute) //nolint:forcetypeassert // deviceBatchSchema defines it so
	if len(devices.NestedObject.Validators)+len(devices.NestedObject.PlanModifiers)+len(devices.PlanModifiers) > 0 || devices.Default != nil {
		t.Errorf("devices has checks or plan modifiers that the plain map does not carry: %+v", devices)
	}
	for name, a := range devices.NestedObject.Attributes {
		s, ok := a.(schema.StringAttribute)
		if !ok || len(s.Validators)+len(s.PlanModifiers) > 0 || s.Default != nil || s.Computed || s.Sensitive || s.WriteOnly {
			t.Errorf("devices.%s is %+v: the framework would skip what it does beyond an optional string", name, a)
		}
	}
}
