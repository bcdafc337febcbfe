/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ktgt supports (6.1 and 6.12 LTS)
 * lives here, so call sites stay free of version checks.
 *
 * Block devices are opened with filp_open() and resolved with I_BDEV(),
 * which is the same on every supported kernel; the bdev open API changed
 * in 6.5 (blk_mode_t), 6.7 (bdev_handle) and 6.9 (bdev_file) and is
 * deliberately not used.
 */
#ifndef KTGT_COMPAT_H
#define KTGT_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#ifdef __KERNEL__
#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/genetlink.h>

/*
 * Formatted extack messages arrived after 6.1; there the fixed message is
 * sent and the formatted one goes to the kernel log.
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define ktgt_extack_fmt(extack, fixed, fmt, args...) \
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##args)
#else
#define ktgt_extack_fmt(extack, fixed, fmt, args...) do {	\
	NL_SET_ERR_MSG_MOD(extack, fixed);			\
	pr_info(fmt "\n", ##args);				\
} while (0)
#endif

/* 6.12 dropped kvrealloc()'s old-size argument */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define kvrealloc_compat(p, oldsize, newsize, gfp) kvrealloc(p, newsize, gfp)
#else
#define kvrealloc_compat(p, oldsize, newsize, gfp) kvrealloc(p, oldsize, newsize, gfp)
#endif

/*
 * 6.7 made shrinkers allocated objects (shrinker_alloc(), shrinker_register(),
 * shrinker_free()); before, the caller embedded one and registered it.
 * ktgt_shrinker_create() returns a registered shrinker, or NULL.
 */
#include <linux/shrinker.h>
typedef unsigned long (*ktgt_shrink_fn)(struct shrinker *, struct shrink_control *);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *ktgt_shrinker_create(const char *name, ktgt_shrink_fn count,
						    ktgt_shrink_fn scan)
{
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (s) {
		s->count_objects = count;
		s->scan_objects = scan;
		shrinker_register(s);
	}
	return s;
}

static inline void ktgt_shrinker_destroy(struct shrinker *s)
{
	shrinker_free(s);
}
#else
static inline struct shrinker *ktgt_shrinker_create(const char *name, ktgt_shrink_fn count,
						    ktgt_shrink_fn scan)
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
	return s;
}

static inline void ktgt_shrinker_destroy(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(s);
}
#endif

/* 6.2 split generic netlink ops; pre_doit/post_doit take the new type */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
typedef struct genl_split_ops ktgt_genl_hook_ops;
#else
typedef struct genl_ops ktgt_genl_hook_ops;
#endif
#endif

/*
 * Send part of a page array without copying it: the socket takes page
 * references until the data is acknowledged. 6.5 replaced sendpage with
 * sendmsg(MSG_SPLICE_PAGES). MSG_EOR ends the skb the send filled, so
 * that later sends do not grow it (kernel/tx_window.h); sendpage ignores
 * the flag, so there the skb is marked as tcp_sendmsg() would.
 *
 * Return: bytes sent, or a negative errno (-EAGAIN when the socket is full).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static inline int ktgt_send_pages(struct socket *sock, struct bio_vec *bvec, u32 nr,
				  u32 total, u32 off, u32 len, int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, nr, total);
	iov_iter_advance(&msg.msg_iter, off);
	iov_iter_truncate(&msg.msg_iter, len);
	return sock_sendmsg(sock, &msg);
}
#else
#include <net/tcp.h>
static inline int ktgt_send_pages(struct socket *sock, struct bio_vec *bvec, u32 nr,
				  u32 total, u32 off, u32 len, int flags)
{
	int sent = 0, ret;

	/* our buffers are whole pages from offset 0 */
	while (len) {
		struct bio_vec *bv = &bvec[off >> PAGE_SHIFT];
		u32 poff = offset_in_page(off), n = min_t(u32, len, bv->bv_len - poff);
		int f = flags | (n < len ? MSG_MORE | MSG_SENDPAGE_NOTLAST : 0);

		ret = kernel_sendpage(sock, bv->bv_page, poff, n, f);
		if (ret <= 0)
			return sent ?: ret;
		sent += ret;
		off += ret;
		len -= ret;
		if (ret < n)
			break;
	}
	if (sent > 0 && !len && (flags & MSG_EOR)) {
		struct sock *sk = sock->sk;
		struct sk_buff *skb;

		lock_sock(sk);
		skb = tcp_write_queue_tail(sk);
		if (skb)
			TCP_SKB_CB(skb)->eor = 1;
		release_sock(sk);
	}
	return sent;
}
#endif

/*
 * The mount's id mapping for vfs_rename(): 6.3 replaced the user namespace
 * in struct renamedata with a struct mnt_idmap.
 */
#ifdef __KERNEL__
#include <linux/fs.h>
#include <linux/mount.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
static inline void ktgt_renamedata_mnt(struct renamedata *rd, struct vfsmount *mnt)
{
	rd->old_mnt_idmap = mnt_idmap(mnt);
	rd->new_mnt_idmap = mnt_idmap(mnt);
}
#else
static inline void ktgt_renamedata_mnt(struct renamedata *rd, struct vfsmount *mnt)
{
	rd->old_mnt_userns = mnt_user_ns(mnt);
	rd->new_mnt_userns = mnt_user_ns(mnt);
}
#endif
#endif

#endif /* KTGT_COMPAT_H */
