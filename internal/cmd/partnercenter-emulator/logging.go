package main

import (
	"log"
	"net/http"
)

// logRequests logs each request's method, path and status once answered.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorder, r)
		logger.Printf("%s %s %d", r.Method, r.URL.Path, recorder.status)
	})
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records status before passing it on.
func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

// Unwrap returns the wrapped writer, so that http.ResponseController reaches
// its Flush and Hijack: the emulator's faults that drop a connection, mid-body
// or before answering, need them.
func (s *statusRecorder) Unwrap() http.ResponseWriter {
	return s.ResponseWriter
}
