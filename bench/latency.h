/* SPDX-License-Identifier: ISC */
/*
 * Latency mode's bookkeeping for echo_client: per connection, a FIFO of the
 * due times of the messages in flight (replies come back in order on a TCP
 * stream, so the oldest due time is the next reply's), and every sample
 * kept, so the percentiles are exact rather than a histogram's bucket.
 */
#ifndef CURING_BENCH_LATENCY_H
#define CURING_BENCH_LATENCY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Messages one connection may have out; beyond it the server is so far
 * behind that the client counts the message missed instead of queueing. */
#define LAT_FIFO 4096u
/* A send released this long after its due time counts as late: the client,
 * not the server, fell behind (the sample still counts from the due time). */
#define LAT_LATE_NS 100000u

struct lat_fifo {
	uint64_t head, tail;
	uint64_t due[LAT_FIFO];
};

static inline struct lat_fifo *lat_fifo_new(void)
{
	struct lat_fifo *f = calloc(1, sizeof(*f));
	if (!f) {
		perror("calloc");
		exit(1);
	}
	return f;
}

static inline int lat_fifo_push(struct lat_fifo *f, uint64_t due)
{
	if (f->tail - f->head == LAT_FIFO)
		return -1;
	f->due[f->tail++ % LAT_FIFO] = due;
	return 0;
}

static inline uint64_t lat_fifo_pop(struct lat_fifo *f)
{
	if (f->head == f->tail) {
		/* read_back checks every byte came from a send, so a reply
		 * without a due time is a bug here */
		fprintf(stderr, "latency: a reply with no message out\n");
		exit(1);
	}
	return f->due[f->head++ % LAT_FIFO];
}

struct lat_samples {
	uint64_t *v;
	size_t n, cap;
};

static inline void lat_add(struct lat_samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 65536;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v) {
			perror("realloc");
			exit(1);
		}
	}
	s->v[s->n++] = ns;
}

static int lat_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The sample at quantile q (nearest rank), in µs. */
static inline double lat_quantile_us(const struct lat_samples *s, double q)
{
	if (s->n == 0)
		return -1;
	size_t i = (size_t)(q * (double)s->n);
	return (double)s->v[i < s->n ? i : s->n - 1] / 1000.0;
}

/* Appends " p50_us=.. p99_us=.. p999_us=.. max_us=.." (-1 without samples). */
static inline void lat_print(struct lat_samples *s, FILE *out)
{
	qsort(s->v, s->n, sizeof(*s->v), lat_cmp);
	fprintf(out, " p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f", lat_quantile_us(s, 0.5),
		lat_quantile_us(s, 0.99), lat_quantile_us(s, 0.999), lat_quantile_us(s, 1.0));
}

#endif
