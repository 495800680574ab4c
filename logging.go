package main

// terraformLogLevels are the variables by which Terraform and OpenTofu decide
// whether to keep what a provider logs: TF_LOG_PROVIDER, else TF_LOG. With
// neither set, they drop every line.
var terraformLogLevels = []string{"TF_LOG_PROVIDER", "TF_LOG"}

// pluginLogLevels are the variables that set the levels of the provider's
// loggers: terraform-plugin-go's and the framework's, and the provider's own
// (named for the type of providerAddress). Unset, each logs at TRACE.
var pluginLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_PARTNERCENTER"}

// silenceDiscardedLogs turns the provider's loggers off when Terraform will
// drop what they write. Left at TRACE, they encode every framework step of
// every call as a JSON line with its caller for Terraform to parse and throw
// away, which made a data source read cost three times what its HTTP request
// does. A level set for one of the loggers is kept.
func silenceDiscardedLogs(lookup func(string) (string, bool), set func(string, string) error) error {
	for _, name := range terraformLogLevels {
		if level, _ := lookup(name); level != "" {
			return nil
		}
	}
	for _, name := range pluginLogLevels {
		if _, ok := lookup(name); !ok {
			if err := set(name, "OFF"); err != nil {
				return err
			}
		}
	}
	return nil
}
