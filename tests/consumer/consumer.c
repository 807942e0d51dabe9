/* SPDX-License-Identifier: ISC */
/* A program outside the library: built against the installed uring.h and
 * libcuring through pkg-config, or through a meson subproject. */
#include <stdio.h>
#include <uring.h>

int main(void)
{
	uring *t = uring_create(4, NULL);
	if (!t) {
		perror("uring_create");
		return 1;
	}
	uring_job job = uring_noop(t, (void *)"consumer");
	uring_completion c;
	int ret;
	while ((ret = uring_wait(t, &c)) == 0)
		;
	if (job <= 0 || ret != 1 || c.job != job || c.result != 0) {
		fprintf(stderr, "consumer: job %lld ret %d result %d\n", (long long)job, ret, c.result);
		return 1;
	}
	printf("consumer: %s ok\n", (const char *)c.data);
	return uring_exit(t) == 0 ? 0 : 1;
}
