package main

import (
	"errors"
	"maps"
	"testing"
)

func TestSilenceDiscardedLogs(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_PARTNERCENTER": "OFF"}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"Terraform drops provider logs", map[string]string{}, off},
		{"an empty TF_LOG is unset to Terraform", map[string]string{"TF_LOG": ""}, merge(off, map[string]string{"TF_LOG": ""})},
		{"TF_LOG keeps them", map[string]string{"TF_LOG": "DEBUG"}, map[string]string{"TF_LOG": "DEBUG"}},
		{"TF_LOG_PROVIDER keeps them", map[string]string{"TF_LOG_PROVIDER": "trace"}, map[string]string{"TF_LOG_PROVIDER": "trace"}},
		{"a level set for one logger is kept", map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"},
			merge(off, map[string]string{"TF_LOG_SDK_FRAMEWORK": "DEBUG"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := maps.Clone(tc.env)
			lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
			set := func(name, value string) error { env[name] = value; return nil }
			if err := silenceDiscardedLogs(lookup, set); err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(env, tc.want) {
				t.Errorf("environment %v, want %v", env, tc.want)
			}
		})
	}
}

func TestSilenceDiscardedLogsReturnsTheSetError(t *testing.T) {
	failed := errors.New("setenv failed")
	err := silenceDiscardedLogs(func(string) (string, bool) { return "", false }, func(string, string) error { return failed })
	if !errors.Is(err, failed) {
		t.Errorf("error %v, want %v", err, failed)
	}
}

func merge(a, b map[string]string) map[string]string {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}
