// SPDX-License-Identifier: GPL-2.0
/*
 * Portals: listening TCP sockets. Accept runs from a work item fed by the
 * listener's sk_data_ready, with non-blocking kernel_accept(), as nvmet-tcp
 * does.
 */
#include <linux/inet.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktgt.h"

static LIST_HEAD(ktgt_portals);

/**
 * ktgt_sockaddr_equal() - same family, address and port?
 * @a: first
 * @b: second
 *
 * Return: true when equal.
 */
bool ktgt_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr);
	}
	return false;
}

static void ktgt_accept_work(struct work_struct *w)
{
	struct ktgt_portal *p = container_of(w, struct ktgt_portal, accept_work);
	struct socket *newsock;
	int ret;

	for (;;) {
		ret = kernel_accept(p->sock, &newsock, O_NONBLOCK);
		if (ret) {
			if (ret != -EAGAIN)
				pr_warn_ratelimited("accept on portal %pISpc failed: %d\n",
						    &p->addr, ret);
			return;
		}
		ret = ktgt_conn_create(p, newsock);
		if (ret) {
			pr_warn_ratelimited("dropping connection: %d\n", ret);
			sock_release(newsock);
		}
	}
}

static void ktgt_listen_data_ready(struct sock *sk)
{
	struct ktgt_portal *p;

	read_lock_bh(&sk->sk_callback_lock);
	p = sk->sk_user_data;
	if (p && sk->sk_state == TCP_LISTEN)
		queue_work(ktgt_io_wq, &p->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static int portal_listen(struct ktgt_portal *p, struct netlink_ext_ack *extack)
{
	int addrlen = p->addr.ss_family == AF_INET ? sizeof(struct sockaddr_in) :
						     sizeof(struct sockaddr_in6);
	struct sock *sk;
	int ret;

	ret = sock_create_kern(&init_net, p->addr.ss_family, SOCK_STREAM, IPPROTO_TCP, &p->sock);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot create the listening socket");
		return ret;
	}
	sk = p->sock->sk;
	sock_set_reuseaddr(sk);
	tcp_sock_set_nodelay(sk);

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = p;
	p->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = ktgt_listen_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	ret = kernel_bind(p->sock, (struct sockaddr *)&p->addr, addrlen);
	if (ret) {
		ktgt_extack_fmt(extack, "cannot bind the portal address",
				"cannot bind %pISpc (error %d)", &p->addr, ret);
		goto out_release;
	}
	ret = kernel_listen(p->sock, 128);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot listen");
		goto out_release;
	}
	return 0;

out_release:
	sock_release(p->sock);
	return ret;
}

/**
 * ktgt_portal_bind() - find or open the listener for an address
 * @ss: IP address and port
 * @extack: for error messages
 *
 * Context: ktgt_cfg_mutex held.
 * Return: the portal with a binding and a reference held, or an ERR_PTR.
 */
struct ktgt_portal *ktgt_portal_bind(const struct sockaddr_storage *ss,
				     struct netlink_ext_ack *extack)
{
	struct ktgt_portal *p;
	int ret;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(p, &ktgt_portals, node) {
		if (ktgt_sockaddr_equal(&p->addr, ss)) {
			p->nr_bindings++;
			kref_get(&p->ref);
			return p;
		}
	}

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	kref_init(&p->ref);
	p->nr_bindings = 1;
	p->addr = *ss;
	INIT_WORK(&p->accept_work, ktgt_accept_work);
	ret = portal_listen(p, extack);
	if (ret) {
		kfree(p);
		return ERR_PTR(ret);
	}
	list_add_tail(&p->node, &ktgt_portals);
	pr_info("listening on %pISpc\n", &p->addr);
	return p;
}

/**
 * ktgt_portal_unbind() - a target stops using the portal
 * @p: portal
 *
 * The last binding closes the listener at once, so no connection arrives
 * for a portal no target uses; connections already accepted keep the
 * portal's memory until they close.
 *
 * Context: ktgt_cfg_mutex held.
 */
void ktgt_portal_unbind(struct ktgt_portal *p)
{
	struct sock *sk = p->sock->sk;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (!--p->nr_bindings) {
		list_del(&p->node);
		/* no new accept work, then wait for the running one */
		write_lock_bh(&sk->sk_callback_lock);
		sk->sk_user_data = NULL;
		sk->sk_data_ready = p->saved_data_ready;
		write_unlock_bh(&sk->sk_callback_lock);
		cancel_work_sync(&p->accept_work);
		sock_release(p->sock);
		p->sock = NULL;
		pr_info("closed %pISpc\n", &p->addr);
	}
	ktgt_portal_put(p);
}

static void ktgt_portal_release(struct kref *ref)
{
	kfree(container_of(ref, struct ktgt_portal, ref));
}

/**
 * ktgt_portal_get() - take a reference for a new connection
 * @p: portal
 *
 * Return: false when the portal is going away.
 */
bool ktgt_portal_get(struct ktgt_portal *p)
{
	return kref_get_unless_zero(&p->ref);
}

/**
 * ktgt_portal_put() - drop a portal reference
 * @p: portal
 */
void ktgt_portal_put(struct ktgt_portal *p)
{
	kref_put(&p->ref, ktgt_portal_release);
}
