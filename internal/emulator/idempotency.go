package emulator

import (
	"bytes"
	"net/http"
	"sync"
)

// idempotencyStore keeps the answer to every POST, PUT, PATCH and DELETE
// that carried an MS-RequestId, so that a client repeating the request
// with the same ID, as Partner Center's documentation tells it to after a
// timeout, gets the same answer again and the request is not applied
// twice.
type idempotencyStore struct {
	mu      sync.Mutex
	answers map[idempotencyKey]*storedAnswer
}

// idempotencyKey is what makes two requests the same: the client's
// MS-RequestId, the method and the path as sent. A client reusing an ID for
// another request gets that request applied.
type idempotencyKey struct {
	requestID, method, path string
}

// storedAnswer is the answer to the first request under a key, complete
// once done is closed.
type storedAnswer struct {
	done   chan struct{}
	answer answer
}

// do returns the answer stored under key, waiting for it when the first
// request is still being applied, or applies the request with apply and
// stores its answer.
func (s *idempotencyStore) do(key idempotencyKey, apply func() answer) answer {
	s.mu.Lock()
	if stored, ok := s.answers[key]; ok {
		s.mu.Unlock()
		<-stored.done
		return stored.answer.clone()
	}
	stored := &storedAnswer{done: make(chan struct{})}
	s.answers[key] = stored
	s.mu.Unlock()

	defer close(stored.done)
	stored.answer = apply()
	return stored.answer.clone()
}

// mutates reports whether requests with method change state, and so are
// made idempotent by their MS-RequestId.
func mutates(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// clone returns a copy of a that shares nothing with it.
func (a answer) clone() answer {
	a.header = a.header.Clone()
	if a.body != nil {
		a.body = bytes.Clone(a.body)
	}
	return a
}
