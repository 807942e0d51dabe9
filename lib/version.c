/* SPDX-License-Identifier: ISC */
/*
 * The library's version at run time, to compare with the URING_VERSION a
 * program was compiled with (a shared library may be newer than the
 * header the program saw).
 */
#include "uring.h"

unsigned uring_version(void)
{
	return URING_VERSION;
}
