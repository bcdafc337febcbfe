// SPDX-License-Identifier: GPL-2.0
/*
 * Memory for the I/O path: commands and PDUs come from kmem caches, data
 * pages from a per-connection pool, so a command in steady state costs no
 * page allocation. Also the data-path counters that show where payload
 * bytes went (debugfs ktgt/datapath).
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ktgt.h"

static unsigned int pool_pages = 8192;
module_param(pool_pages, uint, 0444);
MODULE_PARM_DESC(pool_pages,
		 "most data pages each connection keeps for reuse (default 8192 = 32 MiB); memory pressure takes free ones back");

/* what a new pool's arrays hold; most connections never need more */
#define POOL_FIRST_CAP	256U

/* every connection's pool, for the shrinker; nothing allocates under it */
static LIST_HEAD(ktgt_pools);
static DEFINE_MUTEX(ktgt_pools_lock);
static struct shrinker *ktgt_pool_shrinker;

static struct kmem_cache *ktgt_cmd_cache;
static struct kmem_cache *ktgt_pdu_cache;

DEFINE_PER_CPU(struct ktgt_dp_stats, ktgt_dp_stats);

/*
 * The cache has a constructor so that the slab does not zero a whole
 * command (4 KiB of it the inline bio_vec array) on every allocation, as
 * init_on_alloc (Debian's default) would: the array is written up to
 * nr_pages before anything reads it, so only the rest is zeroed per command.
 */
static void ktgt_cmd_ctor(void *obj)
{
	memset(obj, 0, sizeof(struct ktgt_cmd));
}

/**
 * ktgt_cmd_alloc() - a command from the command cache, zeroed but for its
 *	inline bio_vec array
 *
 * Return: the command, or NULL.
 */
struct ktgt_cmd *ktgt_cmd_alloc(void)
{
	struct ktgt_cmd *cmd = kmem_cache_alloc(ktgt_cmd_cache, GFP_KERNEL);

	if (cmd)
		memset(cmd, 0, offsetof(struct ktgt_cmd, inline_bvec));
	return cmd;
}

/**
 * ktgt_cmd_release() - give a command's memory back to the cache
 * @cmd: command from ktgt_cmd_alloc(), its pages already returned
 */
void ktgt_cmd_release(struct ktgt_cmd *cmd)
{
	if (cmd->bvec != cmd->inline_bvec)
		kvfree(cmd->bvec);
	kmem_cache_free(ktgt_cmd_cache, cmd);
}

/**
 * ktgt_pdu_zalloc() - a zeroed PDU from the PDU cache
 * @gfp: allocation flags
 *
 * Return: the PDU, or NULL.
 */
struct ktgt_pdu *ktgt_pdu_zalloc(gfp_t gfp)
{
	return kmem_cache_zalloc(ktgt_pdu_cache, gfp);
}

/**
 * ktgt_pdu_release() - give a PDU's memory back
 * @pdu: PDU from ktgt_pdu_zalloc()
 */
void ktgt_pdu_release(struct ktgt_pdu *pdu)
{
	if (pdu->data != pdu->inline_data)
		kfree(pdu->data);
	kmem_cache_free(ktgt_pdu_cache, pdu);
}

/**
 * ktgt_page_pool_init() - an empty pool
 * @pp: pool, in its connection
 *
 * Return: 0, or -ENOMEM.
 */
int ktgt_page_pool_init(struct ktgt_page_pool *pp)
{
	spin_lock_init(&pp->lock);
	pp->nr = 0;
	pp->busy_head = 0;
	pp->nr_busy = 0;
	pp->owned = 0;
	pp->cap = min(POOL_FIRST_CAP, pool_pages);
	pp->pages = kvmalloc_array(max(pp->cap, 1U), sizeof(*pp->pages), GFP_KERNEL);
	pp->busy = kvmalloc_array(max(pp->cap, 1U), sizeof(*pp->busy), GFP_KERNEL);
	if (!pp->pages || !pp->busy) {
		kvfree(pp->pages);
		kvfree(pp->busy);
		pp->pages = NULL;
		pp->busy = NULL;
		return -ENOMEM;
	}
	mutex_lock(&ktgt_pools_lock);
	list_add_tail(&pp->node, &ktgt_pools);
	mutex_unlock(&ktgt_pools_lock);
	return 0;
}

/**
 * ktgt_page_pool_destroy() - free the pool's pages
 * @pp: pool with no user left
 *
 * A busy page is only our reference dropped: the stack frees it.
 */
void ktgt_page_pool_destroy(struct ktgt_page_pool *pp)
{
	mutex_lock(&ktgt_pools_lock);
	list_del(&pp->node);
	mutex_unlock(&ktgt_pools_lock);
	while (pp->nr)
		__free_page(pp->pages[--pp->nr]);
	for (; pp->nr_busy; pp->nr_busy--)
		put_page(pp->busy[pp->busy_head++ % pp->cap]);
	kvfree(pp->pages);
	kvfree(pp->busy);
	pp->pages = NULL;
	pp->busy = NULL;
}

/*
 * Move busy pages the stack has let go of (ours is the last reference) to
 * the free list, oldest first. TCP releases pages about in the order they
 * were sent, so the first one still held ends the walk: the cost is one
 * look per page found, plus one.
 */
static void pool_reclaim_busy(struct ktgt_page_pool *pp)
{
	while (pp->nr_busy && pp->nr < pp->cap) {
		struct page *page = pp->busy[pp->busy_head % pp->cap];

		if (page_ref_count(page) != 1)
			break;
		pp->pages[pp->nr++] = page;
		pp->busy_head = (pp->busy_head + 1) % pp->cap;
		pp->nr_busy--;
	}
}

/* give a page up (under the lock): freed now, or by the stack when it lets go */
static void pool_drop(struct ktgt_page_pool *pp, struct page *page)
{
	pp->owned--;
	put_page(page);
}

/*
 * Make room for @owned pages (doubling at least, up to pool_pages), so
 * that the pages about to be allocated stay in the pool when their
 * command ends. A pool owns only pages its connection's commands once had
 * in use at the same time: it grows to that, not to pool_pages.
 * Allocates, so never under the pool's lock.
 */
static void pool_grow(struct ktgt_page_pool *pp, u32 owned)
{
	u32 limit = pool_pages, cap = READ_ONCE(pp->cap), i;
	struct page **pages, **busy;

	if (cap >= limit)
		return;
	cap = min_t(u64, limit, max_t(u64, 2ULL * cap, owned));
	pages = kvmalloc_array(cap, sizeof(*pages), GFP_KERNEL);
	busy = kvmalloc_array(cap, sizeof(*busy), GFP_KERNEL);
	if (!pages || !busy)
		goto out_free;
	spin_lock(&pp->lock);
	if (pp->cap < cap) {
		memcpy(pages, pp->pages, pp->nr * sizeof(*pages));
		for (i = 0; i < pp->nr_busy; i++)
			busy[i] = pp->busy[(pp->busy_head + i) % pp->cap];
		pp->busy_head = 0;
		pp->cap = cap;
		swap(pp->pages, pages);
		swap(pp->busy, busy);
	}
	spin_unlock(&pp->lock);
out_free:
	kvfree(pages);
	kvfree(busy);
}

/**
 * ktgt_pages_get() - fill a command's buffer with pages, from the pool first
 * @pp: pool
 * @bvec: @nr entries; each gets a page (contents undefined), offset 0
 * @nr: pages wanted
 *
 * One lock for the whole command, not one per page.
 *
 * Return: how many entries have a page: @nr, or fewer when memory ran out.
 */
u32 ktgt_pages_get(struct ktgt_page_pool *pp, struct bio_vec *bvec, u32 nr)
{
	u32 i = 0, hits, owned;

	spin_lock(&pp->lock);
	if (pp->nr < nr && pp->nr_busy)
		pool_reclaim_busy(pp);
	for (; i < nr && pp->nr; i++)
		bvec[i].bv_page = pp->pages[--pp->nr];
	pp->owned += nr - i;	/* allocated below */
	owned = pp->owned > pp->cap ? pp->owned : 0;
	spin_unlock(&pp->lock);
	hits = i;
	this_cpu_add(ktgt_dp_stats.pool_hits, hits);
	this_cpu_add(ktgt_dp_stats.pool_misses, nr - hits);
	if (owned)
		pool_grow(pp, owned);
	for (; i < nr; i++) {
		bvec[i].bv_page = alloc_page(GFP_KERNEL);
		if (!bvec[i].bv_page)
			break;
	}
	if (i < nr) {
		spin_lock(&pp->lock);
		pp->owned -= nr - i;
		spin_unlock(&pp->lock);
	}
	return i;
}

/**
 * ktgt_pages_put() - done with a command's pages
 * @pp: pool
 * @bvec: @nr entries from ktgt_pages_get()
 * @nr: how many
 *
 * A page sent with MSG_SPLICE_PAGES or sendpage may still be referenced by
 * an skb waiting for its ACK; reusing it would change data TCP may have to
 * retransmit. Such a page waits in the busy list, with our reference,
 * until the stack drops its own (pool_reclaim_busy()); only a page we hold
 * the last reference to goes straight back to the free list. What does
 * not fit is put: the stack's put frees it later.
 */
void ktgt_pages_put(struct ktgt_page_pool *pp, const struct bio_vec *bvec, u32 nr)
{
	u32 i;

	spin_lock(&pp->lock);
	for (i = 0; i < nr; i++) {
		struct page *page = bvec[i].bv_page;

		if (page_ref_count(page) == 1 && pp->nr < pp->cap)
			pp->pages[pp->nr++] = page;
		else if (page_ref_count(page) > 1 && pp->nr_busy < pp->cap)
			pp->busy[(pp->busy_head + pp->nr_busy++) % pp->cap] = page;
		else
			pool_drop(pp, page);
	}
	spin_unlock(&pp->lock);
}

static u64 pool_free_pages(void)
{
	struct ktgt_page_pool *pp;
	u64 n = 0;

	mutex_lock(&ktgt_pools_lock);
	list_for_each_entry(pp, &ktgt_pools, node)
		n += READ_ONCE(pp->nr);
	mutex_unlock(&ktgt_pools_lock);
	return n;
}

/*
 * The shrinker gives back free pool pages under memory pressure (and on
 * drop_caches), busy pages the stack has let go of included, taking the
 * pools in turn. They refill as their connections' commands end.
 */
static unsigned long pool_shrink_count(struct shrinker *s, struct shrink_control *sc)
{
	return pool_free_pages() ?: SHRINK_EMPTY;
}

static unsigned long pool_shrink_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct ktgt_page_pool *pp;
	unsigned long freed = 0;

	mutex_lock(&ktgt_pools_lock);
	list_for_each_entry(pp, &ktgt_pools, node) {
		spin_lock(&pp->lock);
		pool_reclaim_busy(pp);
		for (; pp->nr && freed < sc->nr_to_scan; freed++)
			pool_drop(pp, pp->pages[--pp->nr]);
		spin_unlock(&pp->lock);
		if (freed >= sc->nr_to_scan)
			break;
	}
	list_rotate_left(&ktgt_pools);
	mutex_unlock(&ktgt_pools_lock);
	this_cpu_add(ktgt_dp_stats.pool_shrunk, freed);
	return freed;
}

static int datapath_show(struct seq_file *m, void *v)
{
	u64 free_pages = pool_free_pages();
	struct ktgt_dp_stats sum = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct ktgt_dp_stats *s = per_cpu_ptr(&ktgt_dp_stats, cpu);

		sum.data_in_zerocopy += s->data_in_zerocopy;
		sum.data_in_copied += s->data_in_copied;
		sum.data_in_window_cuts += s->data_in_window_cuts;
		sum.data_in_window_waits += s->data_in_window_waits;
		sum.data_out_direct += s->data_out_direct;
		sum.data_out_ahead += s->data_out_ahead;
		sum.pool_hits += s->pool_hits;
		sum.pool_misses += s->pool_misses;
		sum.pool_shrunk += s->pool_shrunk;
	}
	seq_printf(m, "data_in_zerocopy_bytes %llu\n", sum.data_in_zerocopy);
	seq_printf(m, "data_in_copied_bytes %llu\n", sum.data_in_copied);
	seq_printf(m, "data_in_window_cuts %llu\n", sum.data_in_window_cuts);
	seq_printf(m, "data_in_window_waits %llu\n", sum.data_in_window_waits);
	seq_printf(m, "data_out_direct_bytes %llu\n", sum.data_out_direct);
	seq_printf(m, "data_out_headers_ahead %llu\n", sum.data_out_ahead);
	seq_printf(m, "page_pool_hits %llu\n", sum.pool_hits);
	seq_printf(m, "page_pool_misses %llu\n", sum.pool_misses);
	seq_printf(m, "page_pool_free_pages %llu\n", free_pages);
	seq_printf(m, "page_pool_shrunk_pages %llu\n", sum.pool_shrunk);
	for_each_online_cpu(cpu)
		seq_printf(m, "cpu%d_io_work_runs %llu\n", cpu,
			   per_cpu_ptr(&ktgt_dp_stats, cpu)->io_work_runs);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(datapath);

/**
 * ktgt_pool_init() - create the caches, the pools' shrinker and the
 *	datapath debugfs file
 * @debugfs: ktgt's debugfs directory
 *
 * Return: 0, or -ENOMEM.
 */
int ktgt_pool_init(struct dentry *debugfs)
{
	ktgt_cmd_cache = kmem_cache_create("ktgt_cmd", sizeof(struct ktgt_cmd),
					   __alignof__(struct ktgt_cmd), SLAB_HWCACHE_ALIGN,
					   ktgt_cmd_ctor);
	if (!ktgt_cmd_cache)
		return -ENOMEM;
	ktgt_pdu_cache = KMEM_CACHE(ktgt_pdu, SLAB_HWCACHE_ALIGN);
	if (!ktgt_pdu_cache)
		goto out_destroy_cmd_cache;
	ktgt_pool_shrinker = ktgt_shrinker_create("ktgt-pool", pool_shrink_count,
						  pool_shrink_scan);
	if (!ktgt_pool_shrinker)
		goto out_destroy_pdu_cache;
	debugfs_create_file("datapath", 0444, debugfs, NULL, &datapath_fops);
	return 0;

out_destroy_pdu_cache:
	kmem_cache_destroy(ktgt_pdu_cache);
out_destroy_cmd_cache:
	kmem_cache_destroy(ktgt_cmd_cache);
	return -ENOMEM;
}

/**
 * ktgt_pool_exit() - destroy the caches and the shrinker, once every
 *	object and pool is back
 */
void ktgt_pool_exit(void)
{
	ktgt_shrinker_destroy(ktgt_pool_shrinker);
	kmem_cache_destroy(ktgt_pdu_cache);
	kmem_cache_destroy(ktgt_cmd_cache);
}
