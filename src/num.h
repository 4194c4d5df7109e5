/*
 * Bounded numbers from the command line and from files: plain decimal
 * digits only, so "+7", " 7", "7 ", "0x7" and "" are all refused. A leaf.
 */
#ifndef DAEMONIZE_NUM_H
#define DAEMONIZE_NUM_H

/*
 * A decimal integer from lo to hi; a leading '-' only where lo < 0.
 * 0 with *v set, or -1 with *why set to "invalid", "too small" or
 * "too large".
 */
int num_parse(const char *s, long long lo, long long hi, long long *v,
    const char **why);

/*
 * Decimal seconds ("10", "0.25"), at most max: no sign, exponent, inf or
 * nan. 0 with *secs set, or -1.
 */
int num_seconds(const char *s, double max, double *secs);

/*
 * A size in bytes, with an optional suffix k, M or G (powers of 1024),
 * from lo to hi. 0 with *v set, or -1.
 */
int num_size(const char *s, unsigned long long lo, unsigned long long hi,
    unsigned long long *v);

#endif
