package emulator

import (
	"crypto/rand"
	"net/http"
	"strings"
	"sync"
)

// defaultPageSize is how many items a page of a collection holds: the
// documentation of the device list says 100.
const defaultPageSize = 100

// continuationHeader is the request header that asks for the next page.
const continuationHeader = "MS-ContinuationToken"

// pageStore keeps the continuation tokens handed out with pages of
// collections. A token names its collection and where the next page starts
// in the collection as it is when asked: items deleted meanwhile shift the
// rest, as a skip token does.
type pageStore struct {
	mu      sync.Mutex
	cursors map[string]pageCursor
	// size is the number of items a page holds.
	size int
}

// pageCursor is where a continuation token resumes.
type pageCursor struct {
	// collection is the lower-case, unescaped path of the collection, so
	// that a token only serves the collection it came from.
	collection string
	// query is what selected the collection's items beyond its path, such
	// as the customer list's filter, in a canonical form, so that a token
	// only serves the listing it came from; empty for none.
	query  string
	offset int
	// size is the page size the listing was first asked with, which its
	// next pages keep; zero for the emulator's (see SetPageSize).
	size int
}

// SetPageSize makes collections hold size items a page, so that tests can
// see paging with a few items; zero or less restores Partner Center's 100.
func (e *Emulator) SetPageSize(size int) {
	if size <= 0 {
		size = defaultPageSize
	}
	e.pages.mu.Lock()
	defer e.pages.mu.Unlock()
	e.pages.size = size
}

// collection is Partner Center's paged list of resources.
type collection[T any] struct {
	// TotalCount is the number of items in the whole collection, not only
	// on this page, unless Answers.TotalCountPerPage says otherwise.
	TotalCount        int             `json:"totalCount"`
	Items             []T             `json:"items"`
	ContinuationToken string          `json:"continuationToken,omitempty"`
	Links             collectionLinks `json:"links"`
	Attributes        objectType      `json:"attributes"`
}

// collectionLinks are a collection's links: itself and, when there is one,
// its next page.
type collectionLinks struct {
	Self link  `json:"self"`
	Next *link `json:"next,omitempty"`
}

// resourceLinks are the links of a resource, such as a device or a
// customer: itself.
type resourceLinks struct {
	Self link `json:"self"`
}

// link is a Partner Center link to a resource or a page.
type link struct {
	URI     string       `json:"uri"`
	Method  string       `json:"method"`
	Headers []linkHeader `json:"headers"`
}

// linkHeader is a header a link's request must carry.
type linkHeader struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// getLink is a link to read uri.
func getLink(uri string) link {
	return link{URI: uri, Method: http.MethodGet, Headers: []linkHeader{}}
}

// page answers a GET of the collection items, served at selfURI (a path
// without the base URL and /v1, as Partner Center's links are): the page
// the request's MS-ContinuationToken asks for, or the first, each of its
// items as present gives it. A token the emulator did not hand out for
// this collection is refused with 400.
func page[S, T any](e *Emulator, c *call, selfURI string, items []S, present func(S) T) answer {
	at, ok := e.pages.resume(c)
	if !ok {
		return badContinuationToken()
	}
	return servePage(e, c, at, selfURI, selfURI, items, present)
}

// resume returns where the page c asks for starts: the cursor of its
// MS-ContinuationToken, else the start of the collection at c's path. It
// returns false for a token the emulator did not hand out for that
// collection. A caller that selects items by the request's query (see
// pageCursor.query) reads the query of a token's listing here, before
// selecting them.
func (s *pageStore) resume(c *call) (pageCursor, bool) {
	collection := strings.ToLower(strings.Join(c.segments, "/"))
	token := c.r.Header.Get(continuationHeader)
	if token == "" {
		return pageCursor{collection: collection}, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cursor, ok := s.cursors[token]
	return cursor, ok && cursor.collection == collection
}

// badContinuationToken is the answer to a continuation token the emulator
// did not hand out for the listing asked for.
func badContinuationToken() answer {
	// The documentation names no code for a bad token; 800002 is Partner
	// Center's code for invalid request input.
	return faultAnswer(http.StatusBadRequest, codeInvalidInput, "The continuation token is invalid or expired.")
}

// servePage answers the page of items that starts at at, each of its items
// as present gives it; items are the listing's as they are now, and at
// comes from resume. The collection links itself at selfURI and its next
// page, when there is one, at nextURI, with a new continuation token that
// resumes at the next page's start with at's query and size. Only the
// page's items are presented, so that reading a collection of thousands
// page by page is not quadratic.
func servePage[S, T any](e *Emulator, c *call, at pageCursor, selfURI, nextURI string, items []S, present func(S) T) answer {
	offset := min(at.offset, len(items))
	e.pages.mu.Lock()
	size := at.size
	if size == 0 {
		size = e.pages.size
	}
	end := min(offset+size, len(items))
	token := ""
	if end < len(items) {
		token = rand.Text()
		e.pages.cursors[token] = pageCursor{collection: at.collection, query: at.query, offset: end, size: at.size}
	}
	e.pages.mu.Unlock()
	total := len(items)
	if c.answers.TotalCountPerPage {
		total = end - offset
	}
	body := collection[T]{
		TotalCount: total,
		Items:      presentAll(items[offset:end], present),
		Links:      collectionLinks{Self: getLink(selfURI)},
		Attributes: objectType{"Collection"},
	}
	if token != "" {
		next := getLink(nextURI)
		next.Headers = []linkHeader{{Key: continuationHeader, Value: token}}
		body.ContinuationToken, body.Links.Next = token, &next
	}
	return answer{status: http.StatusOK, body: mustMarshal(body)}
}

// list answers a GET of the batch list or a device list, items served at
// selfURI: a page of the collection as page answers it or, under
// Answers.BareArrayLists, every item in a bare JSON array, unpaged.
func list[S, T any](e *Emulator, c *call, selfURI string, items []S, present func(S) T) answer {
	if !c.answers.BareArrayLists {
		return page(e, c, selfURI, items, present)
	}
	return answer{status: http.StatusOK, body: mustMarshal(presentAll(items, present))}
}

// presentAll is each of items as present gives it, never nil, so that no
// item is [], not null.
func presentAll[S, T any](items []S, present func(S) T) []T {
	out := make([]T, len(items))
	for i, item := range items {
		out[i] = present(item)
	}
	return out
}
