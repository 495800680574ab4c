// Command terraform-provider-partnercenter serves the Partner Center provider
// to Terraform.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

// providerAddress is the provider's registry address, whose type names the
// provider's logger (TF_LOG_PROVIDER_PARTNERCENTER).
const providerAddress = "registry.terraform.io/seed-8b9b5c63/partnercenter"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// A provider under a debugger logs to the terminal that started it,
	// which Terraform's log settings do not govern.
	if !debug {
		if err := silenceDiscardedLogs(os.LookupEnv, os.Setenv); err != nil {
			log.Fatal(err)
		}
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(providerAddress, provider.NewServer(version), opts...); err != nil {
		log.Fatal(err)
	}
}
