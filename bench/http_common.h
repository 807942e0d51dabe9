/* SPDX-License-Identifier: ISC */
/*
 * What both HTTP responders share: the fixed response and the request
 * counter.  A request ends at its blank line ("\r\n\r\n"); the counter is
 * a 4-state matcher carried across reads, so a request split over two
 * reads, or several requests in one read (pipelining), count right.
 * Request bodies are not expected (wrk sends GETs).
 */
#ifndef CURING_BENCH_HTTP_COMMON_H
#define CURING_BENCH_HTTP_COMMON_H

#include <stddef.h>
#include <string.h>

#define HTTP_RESPONSE                                                          \
	"HTTP/1.1 200 OK\r\n"                                                  \
	"Server: curing-bench\r\n"                                             \
	"Content-Type: text/plain\r\n"                                         \
	"Content-Length: 13\r\n"                                               \
	"\r\n"                                                                 \
	"Hello, World!"
#define HTTP_RESPONSE_LEN (sizeof(HTTP_RESPONSE) - 1)

/* Responses for up to HTTP_BATCH pipelined requests, back to back. */
#define HTTP_BATCH 64
static char http_responses[HTTP_BATCH * HTTP_RESPONSE_LEN];

static inline void http_init(void)
{
	for (unsigned i = 0; i < HTTP_BATCH; i++)
		memcpy(http_responses + i * HTTP_RESPONSE_LEN, HTTP_RESPONSE, HTTP_RESPONSE_LEN);
}

/* Feeds n bytes to the matcher in *state (0..3: how much of "\r\n\r\n"
 * was last seen); returns the number of requests completed. */
static inline unsigned http_count(unsigned char *state, const char *p, size_t n)
{
	unsigned s = *state, done = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		if (ch == '\r')
			s = (s == 2) ? 3 : 1;
		else if (ch == '\n' && (s == 1 || s == 3)) {
			if (s == 3) {
				done++;
				s = 0;
			} else {
				s = 2;
			}
		} else
			s = 0;
	}
	*state = (unsigned char)s;
	return done;
}

#endif
