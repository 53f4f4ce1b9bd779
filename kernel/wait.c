/* Wait queues and completions. */
#include "kernel.h"
#include "wait.h"

void init_waitqueue_head(wait_queue_head_t *wq)
{
	spin_lock_init(&wq->lock);
	INIT_LIST_HEAD(&wq->head);
}

void add_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e)
{
	unsigned long f;
	spin_lock_irqsave(&wq->lock, f);
	list_add_tail(&e->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, f);
}

void remove_wait_queue(wait_queue_head_t *wq, struct wait_queue_entry *e)
{
	unsigned long f;
	spin_lock_irqsave(&wq->lock, f);
	list_del(&e->entry);
	spin_unlock_irqrestore(&wq->lock, f);
}

void prepare_to_wait(wait_queue_head_t *wq, struct wait_queue_entry *e, int state)
{
	unsigned long f;
	e->task = current;
	spin_lock_irqsave(&wq->lock, f);
	if (list_empty(&e->entry))
		list_add_tail(&e->entry, &wq->head);
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, f);
}

void finish_wait(wait_queue_head_t *wq, struct wait_queue_entry *e)
{
	unsigned long f;
	__set_current_state(TASK_RUNNING);
	if (!list_empty(&e->entry)) {
		spin_lock_irqsave(&wq->lock, f);
		list_del(&e->entry);
		spin_unlock_irqrestore(&wq->lock, f);
	}
}

void __wake_up(wait_queue_head_t *wq, unsigned int mode, int nr)
{
	struct wait_queue_entry *e;
	unsigned long f;
	spin_lock_irqsave(&wq->lock, f);
	list_for_each_entry(e, &wq->head, entry)
		wake_up_state(e->task, mode);
	spin_unlock_irqrestore(&wq->lock, f);
}

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait);
}

void complete(struct completion *c)
{
	unsigned long f;
	spin_lock_irqsave(&c->wait.lock, f);
	c->done++;
	spin_unlock_irqrestore(&c->wait.lock, f);
	wake_up_all(&c->wait);
}

void complete_all(struct completion *c)
{
	unsigned long f;
	spin_lock_irqsave(&c->wait.lock, f);
	c->done = 0x7fffffff;
	spin_unlock_irqrestore(&c->wait.lock, f);
	wake_up_all(&c->wait);
}

static bool try_consume(struct completion *c)
{
	unsigned long f;
	bool ok = false;
	spin_lock_irqsave(&c->wait.lock, f);
	if (c->done) {
		if (c->done != 0x7fffffff)
			c->done--;
		ok = true;
	}
	spin_unlock_irqrestore(&c->wait.lock, f);
	return ok;
}

void wait_for_completion(struct completion *c)
{
	while (!try_consume(c))
		wait_event(c->wait, READ_ONCE(c->done) != 0);
}

unsigned long wait_for_completion_timeout(struct completion *c, unsigned long timeout)
{
	long t = timeout;
	while (!try_consume(c)) {
		t = wait_event_timeout(c->wait, READ_ONCE(c->done) != 0, t);
		if (!t)
			return 0;
	}
	return t ? t : 1;
}

bool completion_done(struct completion *c)
{
	return READ_ONCE(c->done) != 0;
}
