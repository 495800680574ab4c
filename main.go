// Command terraform-provider-partnercenter serves the Partner Center provider
// to Terraform.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/seed-8b9b5c63/partnercenter",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
