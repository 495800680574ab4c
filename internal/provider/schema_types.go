package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// nestedObjectType is the object type of a nested attribute as its schema
// defines it: the attribute's own type for a single object, the element type
// for a list, set or map of objects. The types of the nested values the
// provider builds by hand come from here, so that they cannot drift from
// the schema; callers compute it once (sync.OnceValue), as the values are
// built on hot paths.
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
