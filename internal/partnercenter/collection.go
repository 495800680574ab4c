package partnercenter

import (
	"context"
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

// listAll reads every page of the collection at path, sending each page's
// continuation token back in MS-ContinuationToken for the next, at the same
// path, until a page has none. ctx bounds the whole listing; a token that
// repeats the one just sent is refused as an invalid response rather than
// read forever. what names the answer in messages, such as "the device
// list".
func listAll[T any](ctx context.Context, c *Client, path, what string) ([]T, error) {
	return listPages[T](ctx, c, path, func(string) string { return path }, what)
}

// listPages reads every page of a collection as listAll does, the first at
// path and each next one at the path next gives for the URI of the page's
// next link ("" when it has none).
func listPages[T any](ctx context.Context, c *Client, path string, next func(link string) string, what string) ([]T, error) {
	var items []T
	token, link := "", ""
	for page := 1; ; page++ {
		var p collection[T]
		r := request{method: http.MethodGet, path: path, success: []int{http.StatusOK}, out: &p, what: what}
		if page > 1 {
			r.path = next(link)
			r.what = fmt.Sprintf("page %d of %s", page, what)
			r.header = http.Header{headerContinuationToken: {token}}
		}
		sent := token
		r.check = func() string {
			if token = p.nextToken(); token != "" && token == sent {
				return r.what + " has the continuation token of the page before it"
			}
			return ""
		}
		if _, err := c.do(ctx, r); err != nil {
			return nil, err
		}
		if items == nil {
			items = make([]T, 0, min(max(p.TotalCount, len(p.Items)), maxPreallocatedItems))
		}
		items = append(items, p.Items...)
		if token == "" {
			return items, nil
		}
		link = ""
		if p.Links.Next != nil {
			link = p.Links.Next.URI
		}
	}
}
