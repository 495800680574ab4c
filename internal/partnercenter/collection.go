package partnercenter

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// headerContinuationToken asks for the next page of a collection.
const headerContinuationToken = "MS-ContinuationToken"

// maxPreallocatedItems bounds the room made for a collection from its
// totalCount, which a broken server could set to anything.
const maxPreallocatedItems = 10000

// collection is one page of Partner Center's Collection of T:
// {totalCount, items, continuationToken, links, attributes}; or, as the
// REST reference says the device and batch lists answer, a bare array of
// T, which is the whole list. totalCount is read only to make room: the
// docs count the whole collection, the .NET SDK's model the page.
type collection[T any] struct {
	TotalCount        int    `json:"totalCount"`
	Items             []T    `json:"items"`
	ContinuationToken string `json:"continuationToken"`
	Links             struct {
		Next *struct {
			URI     string `json:"uri"`
			Headers []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"headers"`
		} `json:"next"`
	} `json:"links"`
}

// unmarshalArray implements arrayAnswer: an array is the items of the only
// page.
func (p *collection[T]) unmarshalArray(data []byte) error {
	*p = collection[T]{}
	return json.Unmarshal(data, &p.Items)
}

// nextToken is the token of the next page: the body's continuationToken, or
// the MS-ContinuationToken of its next link, which the docs also describe;
// "" on the last page.
func (p *collection[T]) nextToken() string {
	if p.ContinuationToken != "" {
		return p.ContinuationToken
	}
	if p.Links.Next != nil {
		for _, h := range p.Links.Next.Headers {
			if strings.EqualFold(h.Key, headerContinuationToken) {
				return h.Value
			}
		}
	}
	return ""
}

// MaxListPages and MaxListItems bound one listing, all its pages together,
// as MaxItems bounds one answer: a server whose continuation tokens never
// end, each new, would otherwise be read until the operation's timeout,
// hundreds of thousands of items and tens of MiB later, and the user would
// see a timeout rather than what went wrong. The largest listings are a
// partner's customers (tens to thousands, 100 a page: tens of pages) and a
// batch's devices (thousands); 200,000 items is twenty times ten thousand
// and holds tens of MiB of customers. 10,000 pages holds those items at 20
// a page, a fifth of the customer list's page size: a server of smaller
// pages still lists the documented scale many times over.
const (
	MaxListPages = 10_000
	MaxListItems = 200_000
)

// listing is a collection to read page by page.
type listing[T any] struct {
	// path is where the first page is asked.
	path string
	// next is the path the next page is asked at, for the URI of the page's
	// next link ("" when it has none).
	next func(link string) string
	// keep, when set, is whether an item of a page read at path is kept;
	// nil keeps every item.
	keep func(path string, item T) bool
	// what names the answer in messages, such as "the device list".
	what string
	// maxPages and maxItems bound the listing: MaxListPages and
	// MaxListItems but in tests.
	maxPages, maxItems int
}

// listAll reads every page of the collection at path, sending each page's
// continuation token back in MS-ContinuationToken for the next, at the same
// path, until a page has none, as listPages does. what names the answer in
// messages, such as "the device list".
func listAll[T any](ctx context.Context, c *Client, path, what string) ([]T, error) {
	return listPages(ctx, c, listing[T]{path: path, next: func(string) string { return path }, what: what,
		maxPages: MaxListPages, maxItems: MaxListItems})
}

// listPages reads every page of l: the first at l.path, each next one at
// l.next of the page's next link, sending the page's continuation token
// back in MS-ContinuationToken, until a page has none. ctx bounds the whole
// listing. A page whose token one before it had (Partner Center's paging
// going round in circles), or that takes the listing past l.maxPages pages
// or l.maxItems items, is refused as an invalid response rather than read
// on until the timeout.
func listPages[T any](ctx context.Context, c *Client, l listing[T]) ([]T, error) {
	var items []T
	received := 0
	// seen is the page each token came with, by its digest: tokens are
	// the server's, of any length.
	seen := map[[sha256.Size]byte]int{}
	token, link := "", ""
	for page := 1; ; page++ {
		var p collection[T]
		r := request{method: http.MethodGet, path: l.path, success: []int{http.StatusOK}, out: &p, what: l.what}
		if page > 1 {
			r.path = l.next(link)
			r.what = fmt.Sprintf("page %d of %s", page, l.what)
			r.header = http.Header{headerContinuationToken: {token}}
		}
		r.check = func() string {
			received += len(p.Items)
			if token = p.nextToken(); token != "" {
				digest := sha256.Sum256([]byte(token))
				if first, ok := seen[digest]; ok {
					return fmt.Sprintf("%s repeats the continuation token of page %d: its paging repeats itself", r.what, first)
				}
				seen[digest] = page
			}
			switch {
			case received > l.maxItems:
				return fmt.Sprintf("%s brings it to %d items, more than the %d a list is read up to: it is refused rather than read on",
					r.what, received, l.maxItems)
			case token != "" && page >= l.maxPages:
				return fmt.Sprintf("%s is not its last, and a list is read up to %d pages: it is refused rather than read on",
					r.what, l.maxPages)
			}
			return ""
		}
		if _, err := c.do(ctx, r); err != nil {
			return nil, err
		}
		if items == nil {
			items = make([]T, 0, min(max(p.TotalCount, len(p.Items)), maxPreallocatedItems))
		}
		for _, item := range p.Items {
			if l.keep == nil || l.keep(r.path, item) {
				items = append(items, item)
			}
		}
		if token == "" {
			return items, nil
		}
		link = ""
		if p.Links.Next != nil {
			link = p.Links.Next.URI
		}
	}
}
