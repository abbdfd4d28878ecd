/*
 * builder.c - the environment-building thread (builder.h).
 */
#include "daemon/builder.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "daemon/log.h"
#include "saf/db.h"

void
attlsd_build_free(struct attlsd_build *job)
{
	if (job == NULL)
		return;
	if (job->tcp_fd >= 0)
		(void)close(job->tcp_fd);
	attlsd_gen_unref(job->gen);
	free(job);
}

static void *
run(void *arg)
{
	struct attlsd_builder *b = arg;
	struct attlsd_build *job, **tail;
	uint64_t one = 1;

	for (;;) {
		(void)pthread_mutex_lock(&b->lock);
		while (b->todo == NULL && !b->stop)
			(void)pthread_cond_wait(&b->wake, &b->lock);
		if (b->stop) {
			(void)pthread_mutex_unlock(&b->lock);
			return NULL;
		}
		job = b->todo;
		b->todo = job->next;
		if (b->todo == NULL)
			b->todo_tail = NULL;
		(void)pthread_mutex_unlock(&b->lock);
		job->next = NULL;
		b->busy = true;
		job->rc = attlsd_gen_env(job->gen, job->rule, job->userid, &job->peer, b->db, &job->env,
		    &job->sslrc, &job->err);
		(void)pthread_mutex_lock(&b->lock);
		b->busy = false;
		for (tail = &b->done; *tail != NULL; tail = &(*tail)->next)
			;
		*tail = job;
		(void)pthread_mutex_unlock(&b->lock);
		/* A full counter still wakes the control thread. */
		if (write(b->evfd, &one, sizeof(one)) < 0)
			continue;
	}
}

enum at_rc
attlsd_builder_start(struct attlsd_builder *b, const char *db_path, struct at_err *err)
{
	b->db_path = db_path;
	b->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->evfd < 0)
		return at_err_set(err, AT_E_IO, "eventfd for the environment builder");
	if (db_path != NULL && saf_db_open(db_path, SAF_DB_READONLY, &b->db, err) != AT_OK) {
		at_err_prefix(err, "the environment builder's security database");
		return err->rc;
	}
	if (pthread_mutex_init(&b->lock, NULL) != 0 || pthread_cond_init(&b->wake, NULL) != 0 ||
	    pthread_create(&b->thread, NULL, run, b) != 0)
		return at_err_setx(err, AT_E_IO, "starting the environment builder");
	b->started = true;
	return AT_OK;
}

void
attlsd_builder_give(struct attlsd_builder *b, struct attlsd_build *job)
{
	job->next = NULL;
	(void)pthread_mutex_lock(&b->lock);
	if (b->todo_tail != NULL)
		b->todo_tail->next = job;
	else
		b->todo = job;
	b->todo_tail = job;
	(void)pthread_cond_signal(&b->wake);
	(void)pthread_mutex_unlock(&b->lock);
}

struct attlsd_build *
attlsd_builder_take(struct attlsd_builder *b)
{
	struct attlsd_build *list;
	uint64_t n;

	if (read(b->evfd, &n, sizeof(n)) < 0)
		n = 0; /* nothing signalled; the list says what is done */
	(void)pthread_mutex_lock(&b->lock);
	list = b->done;
	b->done = NULL;
	(void)pthread_mutex_unlock(&b->lock);
	return list;
}

void
attlsd_builder_stop(struct attlsd_builder *b)
{
	struct attlsd_build *job, *next;

	if (b->started) {
		bool busy;

		(void)pthread_mutex_lock(&b->lock);
		b->stop = true;
		busy = b->busy;
		(void)pthread_cond_signal(&b->wake);
		(void)pthread_mutex_unlock(&b->lock);
		if (busy) {
			/* Stuck reading a ring (a file that never ends, a locked
			 * database): the process is ending, so leave it be. */
			attlsd_log(LOG_WARNING, false, "attlsd: an environment build is still "
			    "running at exit; not waiting for it");
			return;
		}
		(void)pthread_join(b->thread, NULL);
		for (job = b->todo; job != NULL; job = next) {
			next = job->next;
			attlsd_build_free(job);
		}
		for (job = b->done; job != NULL; job = next) {
			next = job->next;
			attlsd_build_free(job);
		}
		b->todo = b->todo_tail = b->done = NULL;
		(void)pthread_mutex_destroy(&b->lock);
		(void)pthread_cond_destroy(&b->wake);
		b->started = false;
	}
	if (b->evfd >= 0)
		(void)close(b->evfd);
	b->evfd = -1;
	saf_db_close(b->db);
	b->db = NULL;
}
