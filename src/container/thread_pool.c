/*
 * thread_pool.c — the parallel-for the object codec runs its chunks on.
 *
 * A fixed set of pthreads sleeps on a condition variable; a job is a task
 * count and a function. Tasks are claimed from an atomic counter in increasing
 * order (so the object decoder can stop everything after the first failing
 * frame and still have run every frame before it), the caller works too, and
 * run() returns only when every worker has left the job, so the next job can
 * reuse the pool at once. Output order never depends on scheduling: each task
 * writes only its own slot.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "container_internal.h"

struct s4c_pool {
    unsigned n_threads; /* caller included */
    pthread_t *threads; /* n_threads - 1 workers */
    pthread_mutex_t mu;
    pthread_cond_t wake;
    pthread_cond_t idle;
    uint64_t generation; /* bumped per job */
    int shutdown;
    unsigned busy; /* workers still inside the current job */
    /* the current job */
    s4c_pool_task_fn fn;
    void *ctx;
    size_t n_tasks;
    atomic_size_t next_task;
};

typedef struct worker_arg {
    s4c_pool *pool;
    unsigned id;
} worker_arg;

unsigned s4c_cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

unsigned s4c_resolve_threads(unsigned threads) {
    if (threads == 0) threads = s4c_cpu_count();
    return threads > S4C_POOL_MAX_THREADS ? S4C_POOL_MAX_THREADS : threads;
}

static void run_tasks(s4c_pool *p, unsigned worker) {
    for (;;) {
        size_t t = atomic_fetch_add(&p->next_task, 1);
        if (t >= p->n_tasks) return;
        p->fn(p->ctx, t, worker);
    }
}

static void *worker_main(void *arg) {
    worker_arg *wa = arg;
    s4c_pool *p = wa->pool;
    unsigned id = wa->id;
    s4c_free(wa);
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->generation == seen && !p->shutdown)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->shutdown) break;
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        run_tasks(p, id);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0) pthread_cond_signal(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

s4c_status s4c_pool_create(unsigned threads, s4c_pool **pool_ret) {
    S4C_RETURN_IF(!pool_ret, S4C_ERROR_INVALID_ARGUMENT);
    *pool_ret = NULL;
    threads = s4c_resolve_threads(threads);
    s4c_pool *p = s4c_calloc(1, sizeof(*p));
    S4C_RETURN_IF(!p, S4C_ERROR_OUT_OF_MEMORY);
    p->threads = s4c_calloc(threads, sizeof(pthread_t));
    if (!p->threads || pthread_mutex_init(&p->mu, NULL) != 0) {
        s4c_free(p->threads);
        s4c_free(p);
        return S4C_ERROR_OUT_OF_MEMORY;
    }
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->idle, NULL);
    atomic_init(&p->next_task, 0);
    p->n_threads = 1;
    for (unsigned i = 1; i < threads; i++) {
        worker_arg *wa = s4c_malloc(sizeof(*wa));
        if (!wa) break;
        wa->pool = p;
        wa->id = i;
        if (pthread_create(&p->threads[i - 1], NULL, worker_main, wa) != 0) {
            s4c_free(wa);
            break; /* run with the workers we have */
        }
        p->n_threads++;
    }
    *pool_ret = p;
    return S4C_OK;
}

void s4c_pool_free(s4c_pool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->shutdown = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 1; i < p->n_threads; i++)
        pthread_join(p->threads[i - 1], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->idle);
    pthread_mutex_destroy(&p->mu);
    s4c_free(p->threads);
    s4c_free(p);
}

unsigned s4c_pool_threads(const s4c_pool *p) { return p ? p->n_threads : 1; }

void s4c_pool_run(s4c_pool *p, size_t n_tasks, s4c_pool_task_fn fn, void *ctx) {
    if (!p || p->n_threads == 1 || n_tasks <= 1) {
        for (size_t t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->n_tasks = n_tasks;
    atomic_store(&p->next_task, 0);
    p->busy = p->n_threads - 1;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);

    run_tasks(p, 0);

    pthread_mutex_lock(&p->mu);
    while (p->busy)
        pthread_cond_wait(&p->idle, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
