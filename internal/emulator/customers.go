package emulator

import (
	"slices"
	"strings"
	"sync"
)

// customerStore knows which customers exist. Partner Center keeps a
// partner's customers apart; the emulator does not check that a customer
// belongs to the caller's tenant, because its fixtures serve the seed
// customer to every registered tenant, but it knows a customer once
// anything of it is stored or a test adds it.
type customerStore struct {
	mu sync.Mutex
	// known maps lower-case customer IDs, as Partner Center compares GUIDs
	// case-insensitively, to the ID as first written.
	known map[string]string
}

// add makes customerID known.
func (s *customerStore) add(customerID string) {
	key := strings.ToLower(customerID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.known[key]; !ok {
		s.known[key] = customerID
	}
}

// AddCustomer makes customerID a known customer, as Customers lists.
func (e *Emulator) AddCustomer(customerID string) {
	e.customers.add(customerID)
}

// Customers returns the IDs of the known customers, as first written,
// sorted: those added with AddCustomer and those with batches, batch jobs,
// devices or policies.
func (e *Emulator) Customers() []string {
	e.customers.mu.Lock()
	defer e.customers.mu.Unlock()
	out := make([]string, 0, len(e.customers.known))
	for _, id := range e.customers.known {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}
