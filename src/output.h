/*
 * The supervisor's side of the output relay (relay.h): the relay made from
 * the log files the supervisor opened, a pair of pipes for each run, the
 * relay's descriptors in the event loop, and the drain at a run's end.
 */
#ifndef DAEMONIZE_OUTPUT_H
#define DAEMONIZE_OUTPUT_H

#include <stdbool.h>

#include "launch.h"
#include "loop.h"
#include "relay.h"

struct output {
	struct relay *relay;
	int next_in[RELAY_STREAMS];	/* a forked run's read ends */
	int polled[RELAY_STREAMS];	/* the streams output_group filled */
};

/*
 * The relay, taking over l->out_fd and l->err_fd. 0, or -1 with errno and
 * *step the set-up step to report.
 */
int output_open(struct output *o, struct launch *l, int *step);

/*
 * Before a run's fork: its pipes, one for each stream that has a file; the
 * write ends in *out and *err (-1: none), for the run's stdout and stderr.
 */
int output_pipes(struct output *o, int *out, int *err);

/* After the fork, in the supervisor: the relay reads the new run. */
void output_connect(struct output *o, int out, int err);

/* The loop's view of the relay's descriptors and retries. */
extern const struct loop_group output_group;

/* An E_OUTPUT event: read what came, retry what is due. */
void output_take(struct output *o, const struct loop_event *ev);

/*
 * A run ended: everything it wrote goes into the files, its last lines
 * finished, before anything else happens; while a file refuses it (a full
 * disk), wait and retry, dropping nothing.
 */
void output_drain(struct output *o);

/* One line of ours: "daemonize: " and text, timestamped like the rest. */
void output_message(struct output *o, const char *text);

void output_free(struct output *o);

#endif
