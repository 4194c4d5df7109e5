/*
 * Glue between the supervisor and the relay. The relay has no loop of its
 * own: its descriptors join the supervisor's loop as a group, polled for
 * input only while their files can take more (back-pressure: a blocked
 * stream is not read, so its command blocks once the pipe is full).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "output.h"
#include "report.h"

int
output_open(struct output *o, struct launch *l, int *step)
{
	const struct options *opt = l->opt;
	struct relay_conf c = {
		.path = { l->out, l->err },
		.name = { opt->out, opt->err },
		.file = { l->out_fd, l->err_fd },
		.in = { -1, -1 },
		.timestamps = opt->timestamps,
		.log_size = opt->log_size,
		.log_keep = opt->log_keep,
	};
	int bad;

	o->next_in[RELAY_OUT] = o->next_in[RELAY_ERR] = -1;
	if ((o->relay = relay_open(&c, &bad)) == NULL) {
		*step = bad == RELAY_ERR ? STEP_STDERR_OPEN : STEP_STDOUT_OPEN;
		return -1;
	}
	/* The relay's now; each run gets pipes instead. */
	l->out_fd = l->err_fd = -1;
	return 0;
}

static int
one_pipe(struct output *o, enum relay_stream s, int *w)
{
	int fds[2];

	*w = -1;
	if (!relay_has_file(o->relay, s))
		return 0;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	o->next_in[s] = fds[0];
	*w = fds[1];
	return 0;
}

static void
drop_next(struct output *o)
{
	int i;

	for (i = 0; i < RELAY_STREAMS; i++) {
		if (o->next_in[i] >= 0)
			close(o->next_in[i]);
		o->next_in[i] = -1;
	}
}

int
output_pipes(struct output *o, int *out, int *err)
{
	*out = *err = -1;
	if (one_pipe(o, RELAY_OUT, out) == -1 ||
	    one_pipe(o, RELAY_ERR, err) == -1) {
		int e = errno;

		if (*out >= 0)
			close(*out);
		*out = -1;
		drop_next(o);
		errno = e;
		return -1;
	}
	return 0;
}

void
output_connect(struct output *o, int out, int err)
{
	int i;

	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	for (i = 0; i < RELAY_STREAMS; i++) {
		if (o->next_in[i] >= 0)
			relay_set_input(o->relay, (enum relay_stream)i,
			    o->next_in[i]);
		o->next_in[i] = -1;
	}
}

static size_t
group_nfds(void *data)
{
	(void)data;
	return RELAY_STREAMS;
}

static size_t
group_fill(void *data, struct pollfd *p, long long now, long long *wake_ms)
{
	struct output *o = data;
	int i, t = relay_timeout(o->relay);
	size_t n = 0;

	for (i = 0; i < RELAY_STREAMS; i++) {
		enum relay_stream s = (enum relay_stream)i;

		if (relay_fd(o->relay, s) < 0 || !relay_wants_input(o->relay, s))
			continue;
		o->polled[n] = i;
		p[n++] = (struct pollfd){ .fd = relay_fd(o->relay, s),
		    .events = POLLIN };
	}
	if (t >= 0 && now + t < *wake_ms)
		*wake_ms = now + t;
	return n;
}

const struct loop_group output_group = { group_nfds, group_fill };

void
output_take(struct output *o, const struct loop_event *ev)
{
	size_t i;

	for (i = 0; i < ev->npfd; i++)
		if (ev->pfd[i].revents != 0)
			(void)relay_read(o->relay,
			    (enum relay_stream)o->polled[i]);
	if (relay_timeout(o->relay) == 0)
		relay_retry(o->relay);
}

void
output_drain(struct output *o)
{
	while (relay_drain(o->relay) != 0) {
		int t = relay_timeout(o->relay);

		/* Signals wait in the signalfd for the loop meanwhile. */
		(void)poll(NULL, 0, t < 0 ? RELAY_RETRY_MS : t);
		relay_retry(o->relay);
	}
}

void
output_message(struct output *o, const char *text)
{
	(void)relay_message(o->relay, "%s", text);
}

void
output_free(struct output *o)
{
	drop_next(o);
	if (o->relay != NULL)
		relay_free(o->relay);
	o->relay = NULL;
}
