package provider

import (
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// nestedObjectType is the object type of a nested attribute as its schema
// defines it: the attribute's own type for a single object, the element type
// for a list, set or map of objects. The types of the nested values the
// provider builds by hand come from here, so that they cannot drift from
// the schema; callers compute it once (sync.OnceValue, as cachedSchema does
// for schemas), as the values are built on hot paths.
func nestedObjectType(attribute interface{ GetType() attr.Type }) types.ObjectType {
	var t attr.Type
	switch typ := attribute.GetType().(type) {
	case types.ListType:
		t = typ.ElemType
	case types.SetType:
		t = typ.ElemType
	case types.MapType:
		t = typ.ElemType
	default:
		t = typ
	}
	object, ok := t.(types.ObjectType)
	if !ok {
		panic(fmt.Sprintf("%T is not a nested object attribute", attribute))
	}
	return object
}

// cachedSchema is a schema built at its first use and kept for the process:
// Terraform asks for the schemas at nearly every call, and building one anew
// each time costs as much as a read. Every schema of the provider, its data
// sources and resources is one.
func cachedSchema[S providerschema.Schema | datasourceschema.Schema | resourceschema.Schema](build func() S) func() S {
	return sync.OnceValue(build)
}

// replacingCustomerIDAttribute is the customer_id of every resource: a
// customer's tenant ID, whose change replaces the resource, as an entity
// does not move between customers.
func replacingCustomerIDAttribute() resourceschema.StringAttribute {
	return resourceschema.StringAttribute{
		MarkdownDescription: "The customer's tenant ID, a GUID. Changing it replaces the resource.",
		Required:            true,
		Validators:          []validator.String{customerIDValidator},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}
