// Command partnercenter-emulator serves the in-memory Partner Center and
// Entra ID emulator of package emulator over TLS, for demos and for running
// Terraform against the provider by hand.
//
// Usage:
//
//	partnercenter-emulator [-addr 127.0.0.1:8443] [-http] [-fixtures FILE] [-state-dir DIR] [-env-file FILE] [-refresh-token-file FILE]
//	                       [-poll-retry-after 1s] [-job-queued-for 1s] [-job-per-device 100ms] [-faults SEQUENCE [-faults-route ROUTE]]
//	                       [answer flags]
//
// One https listener serves both Entra ID (the authority host) and Partner
// Center (the base URL). The certificate authority it creates is written to
// DIR/ca.pem; clients trust it through SSL_CERT_FILE. With -env-file, once the
// listener is up, the command writes shell lines exporting the
// PARTNERCENTER_* settings and SSL_CERT_FILE, so that
//
//	partnercenter-emulator -addr 127.0.0.1:0 -env-file /tmp/partnercenter.env &
//	. /tmp/partnercenter.env
//
// points the provider at the emulator. The file appears whole, so a script
// may poll for it. An env file named *.ps1 gets PowerShell assignments
// instead ($env:NAME = '...'), dot-sourced the same way.
//
// SSL_CERT_FILE is read by Go on Linux and other Unix systems only, not on
// macOS or Windows. There, -http serves Partner Center over plain http on a
// loopback address, which the provider accepts for its base URL, with no
// certificate authority: the Entra ID sign-ins, which need TLS, give way to
// an app+user access token the emulator issues at start, valid while it runs,
// which the env file and the banner give as PARTNERCENTER_ACCESS_TOKEN.
// -http refuses an address that is not loopback, and -refresh-token-file.
//
// -fixtures adds batches from a file in the format
// Emulator.LoadFixtures reads: fixed answers, or schedules that move from
// queued through processing to a terminal status. Batches still queued or processing are
// answered with Retry-After: -poll-retry-after (rounded up to seconds; 0 sends
// none), so that a waiting provider polls at that pace: a convenience Partner
// Center does not document.
//
// It serves the whole device deployment API (see package emulator): uploads
// and policy updates are queued for -job-queued-for, then take
// -job-per-device for each device. Creating a device batch takes an
// app+user sign-in: -refresh-token-file writes a refresh token of the
// registered application (0600), for the provider's refresh_token setting
// (PARTNERCENTER_REFRESH_TOKEN). The banner also says that any customer GUID
// works, and how to make an upload's device fail with 806 (a device this
// customer already holds) or 808 (one another customer holds).
//
// -faults makes the first batch status requests fail in turn, such as
// "429:57,503,drop" (see emulator.ParseFaults), to try a client's retries by
// hand; -faults-route gives them to another route instead, such as
// /v1/customers/*/deviceBatches (see emulator.InjectFaults), whatever the
// method. The command logs each request to stderr and stops on SIGINT or
// SIGTERM.
//
// The emulator serves the customers of emulator.DemoCustomers (Contoso,
// Fabrikam and Northwind) or, with -customers FILE, the seed customer
// Contoso and those of FILE, a JSON array in the format
// Emulator.LoadCustomers reads:
// [{"id","companyName","domain","relationshipToPartner"}]. Any other
// customer ID is served too, as one the emulator makes a profile up for,
// unless -strict-customers makes every route of a customer answer 404, as
// for a customer without relationship (see Emulator.SetStrictCustomers).
//
// Where Microsoft's public sources leave a question open, an answer flag
// chooses which plausible answer the emulator gives (see emulator.Answers,
// whose zero value, what Microsoft's samples show, is the default):
// -list-hardware-hashes, -list-uploaded-fields-only, -status-ids-only,
// -failed-jobs-without-results, -policy-update-keeps-description,
// -empty-settings-read-as-none, -delete-assigned-policy,
// -total-count-per-page, -pascal-case-enums, -bare-array-lists and
// -case-sensitive-batch-names (true or false), -max-devices-per-upload N
// and -status-expiry DURATION. Each takes its default from the
// environment variable PARTNERCENTER_EMULATOR_ and its name in upper case
// with underscores, such as PARTNERCENTER_EMULATOR_LIST_HARDWARE_HASHES=true;
// a flag wins over its variable, and a variable whose value is invalid
// stops the command. The banner lists the answers other than the defaults.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"time"

	"github.com/seed-8b9b5c63/terraform-provider-partnercenter/internal/emulator"
)

// options are the command-line flags.
type options struct {
	addr string
	// http serves plain http with an access token instead of TLS.
	http     bool
	fixtures string
	stateDir string
	envFile  string
	faults   string
	// faultsRoute is the route that gets the faults.
	faultsRoute string
	// refreshTokenFile receives a refresh token for app+user sign-in.
	refreshTokenFile string
	// pollRetryAfter is the Retry-After of answers for unfinished batches.
	pollRetryAfter time.Duration
	// jobQueuedFor and jobPerDevice time uploads and policy updates.
	jobQueuedFor, jobPerDevice time.Duration
	// answers are the emulator's answers where Microsoft is silent.
	answers emulator.Answers
	// customers is the file of customers to serve instead of the demo's.
	customers string
	// strictCustomers serves the customers seeded only.
	strictCustomers bool
	// clock moves the jobs on instead of the real time when set; no flag
	// sets it. Tests step the jobs with an emulator.ManualClock rather
	// than poll until the real time has moved them.
	clock emulator.Clock
}

func main() {
	o, err := parseOptions(os.Args[1:], os.LookupEnv, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, o, os.Stdout, log.New(os.Stderr, "", log.LstdFlags))
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "partnercenter-emulator:", err)
		os.Exit(1)
	}
}

// parseOptions reads the command line args, without the command's name, and
// the answer flags' environment variables through lookupEnv. It writes the
// usage to output for -help, and what is wrong with the usage for a
// mistake, and then returns an error: flag.ErrHelp for -help.
func parseOptions(args []string, lookupEnv func(string) (string, bool), output io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("partnercenter-emulator", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() { usage(fs, output) }
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8443", "`address` to listen on; port 0 picks a free one")
	fs.BoolVar(&o.http, "http", false, "serve plain http on a loopback -addr, with no certificate authority, and hand out an app+user access token (PARTNERCENTER_ACCESS_TOKEN) instead of Entra ID sign-ins: for macOS and Windows, whose Go programs ignore SSL_CERT_FILE")
	fs.StringVar(&o.fixtures, "fixtures", "", "extra fixture `file` of batches to serve")
	fs.StringVar(&o.stateDir, "state-dir", "", "`directory` to write ca.pem to (default: a new temporary directory, removed on exit)")
	fs.StringVar(&o.envFile, "env-file", "", "`file` to write the provider's settings to, once listening: PowerShell assignments for a .ps1 file, shell exports otherwise")
	fs.StringVar(&o.faults, "faults", "", "`sequence` of faults for the first batch status requests, such as 429:57,503,drop,truncate")
	fs.StringVar(&o.faultsRoute, "faults-route", emulator.BatchStatusRoute, "`route` that gets the -faults, such as /v1/customers/*/deviceBatches")
	fs.StringVar(&o.refreshTokenFile, "refresh-token-file", "", "`file` to write a refresh token for app+user sign-in to, once listening")
	fs.DurationVar(&o.pollRetryAfter, "poll-retry-after", time.Second, "Retry-After `duration` for batches still queued or processing, a convenience Partner Center does not document; 0 sends none")
	fs.DurationVar(&o.jobQueuedFor, "job-queued-for", emulator.DefaultJobQueuedFor, "`duration` uploads and policy updates stay queued")
	fs.DurationVar(&o.jobPerDevice, "job-per-device", emulator.DefaultJobPerDevice, "`duration` uploads and policy updates take for each device")
	fs.StringVar(&o.customers, "customers", "", "JSON `file` of customers to serve beside Contoso, instead of Fabrikam and Northwind: [{\"id\",\"companyName\",\"domain\",\"relationshipToPartner\"}]")
	fs.BoolVar(&o.strictCustomers, "strict-customers", false, "answer 404 (no relationship) for customers not seeded, instead of serving any customer ID")
	// The environment first, so that the flags parsed next win, and so
	// that -help shows the defaults it sets.
	for _, s := range emulator.AnswerSwitches {
		name := answerEnv(s)
		if value, ok := lookupEnv(name); ok {
			if err := s.Set(&o.answers, value); err != nil {
				err = fmt.Errorf("%s=%q: %w", name, value, err)
				fmt.Fprintln(output, "partnercenter-emulator:", err)
				return options{}, err
			}
		}
		fs.Var(answerFlag{s, &o.answers}, s.Name, s.Usage+"; env "+name)
	}
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments %q", fs.Args())
		fmt.Fprintln(output, "partnercenter-emulator:", err)
		fs.Usage()
		return options{}, err
	}
	return o, nil
}

// checkHTTP refuses what -http cannot serve: an address other than
// loopback, to which the provider sends no token over plain http, and a
// refresh token, whose grant needs Entra ID over TLS.
func (o options) checkHTTP() error {
	if !o.http {
		return nil
	}
	if o.refreshTokenFile != "" {
		return errors.New("-http with -refresh-token-file: a refresh token is exchanged at Entra ID, which needs TLS; with -http, the env file's PARTNERCENTER_ACCESS_TOKEN signs in app+user already")
	}
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", o.addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-http with -addr %q: plain http is served on a loopback address only, such as 127.0.0.1:8443, as the provider sends its token over http to no other", o.addr)
	}
	return nil
}

// usage writes the command's -help to w.
func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `Usage: partnercenter-emulator [flags]

Serves the in-memory Partner Center and Entra ID emulator over TLS, or Partner Center over plain http
with -http. Flags:

`)
	fs.PrintDefaults()
	fmt.Fprint(w, `
The flags that name an environment variable ("env ...") choose the answers where Microsoft's sources
are silent or disagree; unset, each gives the default answer, what Microsoft's samples show (see
emulator.Answers). A variable sets its flag's default, such as
PARTNERCENTER_EMULATOR_LIST_HARDWARE_HASHES=true; the flag wins.
`)
}

// answerEnv is the environment variable of s: PARTNERCENTER_EMULATOR_ and
// its name in upper case with underscores.
func answerEnv(s emulator.AnswerSwitch) string {
	return "PARTNERCENTER_EMULATOR_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
}

// answerFlag is the flag of an AnswerSwitch, which sets its field of
// answers.
type answerFlag struct {
	s       emulator.AnswerSwitch
	answers *emulator.Answers
}

// answerField is the field of answers that s sets.
func answerField(answers emulator.Answers, s emulator.AnswerSwitch) reflect.Value {
	return reflect.ValueOf(answers).FieldByName(s.Field)
}

// String implements flag.Value: the field's value, empty while it is the
// field's zero value, the default, so that -help says "(default ...)" only
// for a default its environment variable set. The flag package calls it on
// a zero answerFlag too.
func (f answerFlag) String() string {
	if f.answers == nil {
		return ""
	}
	if v := answerField(*f.answers, f.s); !v.IsZero() {
		return fmt.Sprint(v.Interface())
	}
	return ""
}

// Set implements flag.Value.
func (f answerFlag) Set(value string) error {
	return f.s.Set(f.answers, value)
}

// IsBoolFlag tells the flag package that a bool switch may be given as
// -name alone, meaning true.
func (f answerFlag) IsBoolFlag() bool {
	return answerField(emulator.Answers{}, f.s).Kind() == reflect.Bool
}

// changedAnswers lists the answers of a other than the defaults as
// name=value, comma-separated, in the switches' order; empty when there are
// none.
func changedAnswers(a emulator.Answers) string {
	var changed []string
	for _, s := range emulator.AnswerSwitches {
		if v := answerField(a, s); !v.IsZero() {
			changed = append(changed, s.Name+"="+fmt.Sprint(v.Interface()))
		}
	}
	return strings.Join(changed, ", ")
}

// run serves the emulator until ctx is done.
func run(ctx context.Context, o options, stdout io.Writer, logger *log.Logger) error {
	// An empty route is the batch status route, set here once for the
	// faults and the banner alike.
	if o.faultsRoute == "" {
		o.faultsRoute = emulator.BatchStatusRoute
	}
	em := emulator.New()
	em.SetPollRetryAfter(o.pollRetryAfter)
	em.SetJobTiming(o.jobQueuedFor, o.jobPerDevice)
	em.SetClock(o.clock)
	em.SetAnswers(o.answers)
	em.SetStrictCustomers(o.strictCustomers)
	// Customers first, so that they list before those of the fixtures.
	if o.customers == "" {
		if err := em.AddCustomers(emulator.DemoCustomers()...); err != nil {
			return err
		}
	} else if err := loadFile(o.customers, em.LoadCustomers); err != nil {
		return err
	}
	if o.fixtures != "" {
		if err := loadFile(o.fixtures, em.LoadFixtures); err != nil {
			return err
		}
	}
	if o.faults != "" {
		faults, err := emulator.ParseFaults(o.faults)
		if err != nil {
			return fmt.Errorf("-faults: %w", err)
		}
		em.InjectFaults(o.faultsRoute, faults...)
	}

	if err := o.checkHTTP(); err != nil {
		return err
	}
	server := &http.Server{
		Handler:           logRequests(em, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	var s settings
	if o.http {
		s.accessToken = em.NewUserAccessToken(emulator.DefaultTenantID, httpAccessTokenLifetime)
	} else {
		stateDir, cleanup, err := prepareStateDir(o.stateDir)
		if err != nil {
			return err
		}
		defer cleanup()
		if s.caFile, server.TLSConfig, err = newTLS(stateDir); err != nil {
			return err
		}
	}

	listener, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	if o.http {
		go func() { served <- server.Serve(listener) }()
	} else {
		go func() { served <- server.ServeTLS(listener, "", "") }()
	}

	s.baseURL = baseURL(listener.Addr(), o.http)
	// The banner comes first: scripts read stdout once the env file exists.
	printBanner(stdout, s, o)
	printCustomers(stdout, em.CustomerProfiles(), o.strictCustomers)
	if o.refreshTokenFile != "" {
		// Written before the env file, which scripts wait for.
		token := em.NewRefreshToken(emulator.DefaultTenantID, emulator.DefaultClientID)
		if err := os.WriteFile(o.refreshTokenFile, []byte(token+"\n"), 0o600); err != nil {
			_ = server.Close()
			return fmt.Errorf("writing the refresh token: %w", err)
		}
	}
	if o.envFile != "" {
		if err := writeEnvFile(o.envFile, s); err != nil {
			_ = server.Close()
			return err
		}
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// httpAccessTokenLifetime is how long the access token of -http is valid:
// longer than any session, as the emulator forgets it when it stops anyway.
const httpAccessTokenLifetime = 30 * 24 * time.Hour

// newTLS creates a certificate authority, writes it to stateDir/ca.pem and
// returns that file and the server's configuration with a certificate it
// signed.
func newTLS(stateDir string) (caFile string, config *tls.Config, err error) {
	ca, err := emulator.NewCertificateAuthority()
	if err != nil {
		return "", nil, err
	}
	caFile = filepath.Join(stateDir, "ca.pem")
	// A CA certificate is public, and Terraform may run as another user.
	if err := os.WriteFile(caFile, ca.CertificatePEM(), 0o644); err != nil { //nolint:gosec // see above
		return "", nil, fmt.Errorf("writing the CA certificate: %w", err)
	}
	config, err = ca.ServerTLSConfig()
	if err != nil {
		return "", nil, err
	}
	return caFile, config, nil
}

// loadFile reads the file at path with load, such as the emulator's
// LoadFixtures or LoadCustomers.
func loadFile(path string, load func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := load(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// prepareStateDir returns dir as an absolute path, created if missing, or a
// new temporary directory when dir is empty. cleanup removes the directory
// only if it is temporary.
func prepareStateDir(dir string) (abs string, cleanup func(), err error) {
	if dir == "" {
		dir, err = os.MkdirTemp("", "partnercenter-emulator-")
		if err != nil {
			return "", nil, err
		}
		return dir, func() { _ = os.RemoveAll(dir) }, nil
	}
	if abs, err = filepath.Abs(dir); err != nil {
		return "", nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", nil, err
	}
	return abs, func() {}, nil
}

// baseURL is the root clients reach the listener at: https, or http when
// plain is set. The certificate names loopback only, so a wildcard listen
// address is reached as 127.0.0.1.
func baseURL(addr net.Addr, plain bool) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "https"
	if plain {
		scheme = "http"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// printBanner tells the user where the emulator is, how to sign in, that
// any customer works and how to make an upload's device fail with 806 or
// 808. o's faultsRoute is set, as run sets it.
func printBanner(w io.Writer, s settings, o options) {
	if s.accessToken != "" {
		fmt.Fprintf(w, `Partner Center emulator listening on %s (plain http, no Entra ID sign-in)

  base URL        %s
  access token    %s (app+user, valid while the emulator runs)
`, s.baseURL, s.baseURL, s.accessToken)
	} else {
		fmt.Fprintf(w, `Partner Center emulator listening on %s

  base URL        %s
  authority host  %s/
  tenant ID       %s
  client ID       %s
  client secret   %s
  CA certificate  %s
`, s.baseURL, s.baseURL, s.baseURL, emulator.DefaultTenantID, emulator.DefaultClientID, emulator.DefaultClientSecret, s.caFile)
	}
	if o.envFile != "" {
		fmt.Fprintf(w, "  env file        %s (source it: %s)\n", o.envFile, sourceCommand(o.envFile))
	}
	if o.refreshTokenFile != "" {
		fmt.Fprintf(w, "  refresh token   %s (app+user sign-in, which creating a device batch needs)\n", o.refreshTokenFile)
	}
	fmt.Fprintf(w, `
Fixture batches of customer %s:
  %s  finished, the example of "Get the status of a device batch upload"
  %s  processing
  %s  queued
  %s  queued when first read, then processing; finished_with_errors 6 s later
`, emulator.SeedCustomerID, emulator.SeedBatchTrackingID, emulator.ProcessingBatchTrackingID, emulator.QueuedBatchTrackingID,
		emulator.ScheduledBatchTrackingID)
	if o.fixtures != "" {
		fmt.Fprintf(w, "and the batches of %s\n", o.fixtures)
	}
	if o.strictCustomers {
		fmt.Fprint(w, "\nOnly the customers listed below are served (-strict-customers). Device batches, devices and configuration policies start empty.\n")
	} else {
		fmt.Fprint(w, "\nAny customer GUID works: customers need not be created. Device batches, devices and configuration policies start empty.\n")
	}
	fmt.Fprintf(w, `An upload's device fails when a device already in a batch has its hardware hash (else its product key, else its
serial number, manufacturer and model):
  %s %-30s  the device is this customer's: upload it again, into any of its batches
  %s %-30s  the device is another customer's: upload it under another customer GUID
`, emulator.ErrorCodeDeviceAlreadyAssigned, emulator.ErrorDescriptionDeviceAlreadyAssigned,
		emulator.ErrorCodeDeviceAssignedToOtherTenant, emulator.ErrorDescriptionDeviceAssignedToOtherTenant)
	fmt.Fprintf(w, "Uploads and policy updates are queued for %s, then take %s a device.\n", o.jobQueuedFor, o.jobPerDevice)
	if changed := changedAnswers(o.answers); changed != "" {
		fmt.Fprintf(w, "\nAnswers where Microsoft is silent: %s\n", changed)
	}
	switch {
	case o.faults == "":
	case o.faultsRoute == emulator.BatchStatusRoute:
		fmt.Fprintf(w, "\nThe first batch status requests get these faults in turn: %s\n", o.faults)
	default:
		fmt.Fprintf(w, "\nThe first requests to %s get these faults in turn: %s\n", o.faultsRoute, o.faults)
	}
}

// maxListedCustomers is how many customers the start-up line names, so
// that a file of thousands does not flood the terminal.
const maxListedCustomers = 10

// printCustomers tells the user, in one line, which customers the emulator
// serves: customers, at most maxListedCustomers of them by name, and
// whether it serves others.
func printCustomers(w io.Writer, customers []emulator.Customer, strict bool) {
	listed := make([]string, 0, maxListedCustomers)
	for _, c := range customers[:min(len(customers), maxListedCustomers)] {
		listed = append(listed, fmt.Sprintf("%s %s %s", c.CompanyName, c.Domain, c.ID))
	}
	if more := len(customers) - len(listed); more > 0 {
		listed = append(listed, fmt.Sprintf("and %d more", more))
	}
	others := "any other customer ID is served too"
	if strict {
		others = "others get 404 (-strict-customers)"
	}
	fmt.Fprintf(w, "\nCustomers: %s; %s\n", strings.Join(listed, ", "), others)
}
