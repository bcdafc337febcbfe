// SPDX-License-Identifier: GPL-2.0
/*
 * Login phase (RFC 7143 sections 6 and 11.12): stages, transit rules,
 * session type, target lookup and access checks. Key negotiation itself is
 * in iscsi_param.c.
 */
#include <linux/slab.h>

#include "ktgt.h"

enum ktgt_login_auth {
	KTGT_AUTH_UNDECIDED,
	KTGT_AUTH_NONE,
	KTGT_AUTH_CHAP,
};

struct ktgt_login {
	struct ktgt_neg neg;
	struct ktgt_params ours;
	u8 stage;			/* the CSG the next request must carry */
	bool started;			/* first request seen */
	bool tpgt_sent;
	bool discovery;
	u8 auth;			/* enum ktgt_login_auth */
	bool auth_offered;		/* AuthMethod in this request */
	char auth_offer[ISCSI_VALUE_MAX + 1];
	struct ktgt_chap chap;
	struct ktgt_chap_keys chap_keys;	/* this request's CHAP_* keys */
	struct ktgt_account *accounts;	/* copies, taken with the target */
	u32 nr_accounts;
	u64 isid;
	u16 tsih;
	u16 cid;
	u32 cmdsn;
	char initiator[KTGT_NAME_MAX + 1];
	char target_name[KTGT_NAME_MAX + 1];
	struct ktgt_target *target;
	char *text;			/* keys collected over C-bit requests */
	u32 text_len;
	char reply[KTGT_LOGIN_BUF];
};

/**
 * ktgt_login_start() - a new connection starts in the login phase
 * @conn: connection
 *
 * Return: 0 or -ENOMEM.
 */
int ktgt_login_start(struct ktgt_conn *conn)
{
	conn->login = kzalloc(sizeof(*conn->login), GFP_KERNEL);
	if (!conn->login)
		return -ENOMEM;
	conn->state = KTGT_CONN_LOGIN;
	return 0;
}

/**
 * ktgt_login_free() - drop login state, after login or on teardown
 * @conn: connection
 */
void ktgt_login_free(struct ktgt_conn *conn)
{
	struct ktgt_login *login = conn->login;

	if (!login)
		return;
	if (login->target)
		ktgt_target_put(login->target);
	kfree_sensitive(login->accounts);
	kvfree(login->text);
	kfree(login);
	conn->login = NULL;
}

static struct ktgt_pdu *login_rsp(struct ktgt_conn *conn, u8 flags, u16 status)
{
	struct ktgt_login *login = conn->login;
	struct ktgt_pdu *pdu;

	pdu = ktgt_pdu_alloc(ISCSI_OP_LOGIN_RSP, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return NULL;
	pdu->bhs.flags = flags;
	memcpy(pdu->bhs.lun, conn->rx_bhs.lun, 6);	/* ISID */
	pdu->bhs.itt = conn->rx_bhs.itt;
	pdu->bhs.exp_sn = cpu_to_be32(login->cmdsn);
	pdu->bhs.max_sn = cpu_to_be32(login->cmdsn);
	pdu->bhs.word9 = cpu_to_be32((u32)status << 16);
	return pdu;
}

/* answer with an error status and close once it is sent */
static int login_fail(struct ktgt_conn *conn, u16 status, const char *why)
{
	struct ktgt_pdu *pdu;

	pr_info_ratelimited("login from %pISpc (%s) refused: %s (status 0x%04x)\n",
			    &conn->peer, conn->login->initiator[0] ? conn->login->initiator : "?",
			    why, status);
	pdu = login_rsp(conn, 0, status);
	if (!pdu)
		return -ENOMEM;
	ktgt_pdu_queue(conn, pdu);
	conn->state = KTGT_CONN_LOGOUT;
	set_bit(KTGT_CONN_CLOSE_AFTER_TX, &conn->flags);
	return 0;
}

static int login_first(struct ktgt_conn *conn, const struct iscsi_bhs *h)
{
	struct ktgt_login *login = conn->login;
	u8 version_max = h->rsvd2[0], version_min = h->rsvd2[1];

	login->started = true;
	login->isid = iscsi_login_isid(h);
	login->tsih = iscsi_login_tsih(h);
	login->cid = be32_to_cpu(h->ttt) >> 16;
	login->cmdsn = be32_to_cpu(h->sn);
	conn->stat_sn = be32_to_cpu(h->exp_sn);
	conn->cid = login->cid;
	if (version_min > 0 || version_max < version_min)
		return ISCSI_LOGIN_UNSUPPORTED_VERSION;
	return 0;
}

/* keys that belong to the login layer rather than to negotiation */
static int login_key(struct ktgt_conn *conn, const struct ktgt_kv *kv,
		     struct ktgt_text_buf *out)
{
	struct ktgt_login *login = conn->login;

	if (!strcmp(kv->key, "InitiatorName")) {
		if (!*kv->value || strlen(kv->value) > KTGT_NAME_MAX)
			return ISCSI_LOGIN_INITIATOR_ERROR;
		strscpy(login->initiator, kv->value, sizeof(login->initiator));
		return 0;
	}
	if (!strcmp(kv->key, "TargetName")) {
		if (!*kv->value || strlen(kv->value) > KTGT_NAME_MAX)
			return ISCSI_LOGIN_NOT_FOUND;
		strscpy(login->target_name, kv->value, sizeof(login->target_name));
		return 0;
	}
	if (!strcmp(kv->key, "SessionType")) {
		if (!strcmp(kv->value, "Discovery"))
			login->discovery = true;
		else if (strcmp(kv->value, "Normal"))
			return ISCSI_LOGIN_NO_SESSION_TYPE;
		login->neg.discovery = login->discovery;
		return 0;
	}
	if (!strcmp(kv->key, "InitiatorAlias"))
		return 0;
	if (!strcmp(kv->key, "AuthMethod")) {
		/* answered once the target, and so its accounts, are known */
		if (login->auth_offered || login->auth != KTGT_AUTH_UNDECIDED)
			return ISCSI_LOGIN_INITIATOR_ERROR;
		strscpy(login->auth_offer, kv->value, sizeof(login->auth_offer));
		login->auth_offered = true;
		return 0;
	}
	if (ktgt_text_add(out, kv->key, "NotUnderstood"))
		return ISCSI_LOGIN_INITIATOR_ERROR;
	return 0;
}

/* operational keys one request may carry; RFC 7143 defines fewer than 20 */
#define KTGT_LOGIN_MAX_OPS	32

/*
 * The keys of one request. Operational keys are only collected: they are
 * negotiated once the target, and so its offers, is known, since the
 * request that names the target usually carries them too.
 */
static int login_keys(struct ktgt_conn *conn, char *data, u32 len,
		      struct ktgt_text_buf *out, struct ktgt_kv *ops, u32 *nr_ops)
{
	struct ktgt_login *login = conn->login;
	struct ktgt_text_iter it;
	enum ktgt_text_err err;
	struct ktgt_kv kv;
	int status;

	memset(&login->chap_keys, 0, sizeof(login->chap_keys));
	ktgt_text_iter_init(&it, data, len);
	while ((err = ktgt_text_next(&it, &kv, ISCSI_LONG_VALUE_MAX)) == KTGT_TEXT_OK) {
		/* only a CHAP challenge or response may be longer than 255 */
		if (strlen(kv.value) > ISCSI_VALUE_MAX &&
		    strcmp(kv.key, "CHAP_C") && strcmp(kv.key, "CHAP_R"))
			return ISCSI_LOGIN_INITIATOR_ERROR;
		status = ktgt_chap_key(&login->chap_keys, &kv);
		if (status < 0)
			return ISCSI_LOGIN_INITIATOR_ERROR;
		if (status)
			continue;
		if (ktgt_neg_known(&kv)) {
			if (*nr_ops == KTGT_LOGIN_MAX_OPS)
				return ISCSI_LOGIN_INITIATOR_ERROR;
			ops[(*nr_ops)++] = kv;
			continue;
		}
		status = login_key(conn, &kv, out);
		if (status)
			return status;
	}
	if (err != KTGT_TEXT_END) {
		pr_info_ratelimited("login from %pISpc: %s\n", &conn->peer,
				    ktgt_text_strerror(err));
		return ISCSI_LOGIN_INITIATOR_ERROR;
	}
	return 0;
}

/* a copy of the target's (or discovery's) CHAP accounts, so the login holds no lock */
static int login_copy_accounts(struct ktgt_login *login, struct list_head *accounts)
{
	struct ktgt_account *a;
	u32 n = 0;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(a, accounts, node)
		n++;
	if (!n)
		return 0;
	login->accounts = kcalloc(n, sizeof(*a), GFP_KERNEL);
	if (!login->accounts)
		return ISCSI_LOGIN_NO_RESOURCES;
	list_for_each_entry(a, accounts, node)
		login->accounts[login->nr_accounts++] = *a;
	return 0;
}

static bool auth_offered(const char *list, const char *method)
{
	size_t n, ml = strlen(method);

	for (;;) {
		n = strcspn(list, ",");
		if (n == ml && !memcmp(list, method, n))
			return true;
		if (!list[n])
			return false;
		list += n + 1;
	}
}

static int login_chap(struct ktgt_login *login, struct ktgt_text_buf *out, const char **why)
{
	struct ktgt_chap_creds creds = { };
	struct ktgt_chap_secret *incoming, outgoing;
	u32 i;
	int ret;

	incoming = kcalloc(login->nr_accounts, sizeof(*incoming), GFP_KERNEL);
	if (!incoming)
		return -ENOMEM;
	for (i = 0; i < login->nr_accounts; i++) {
		struct ktgt_account *a = &login->accounts[i];
		struct ktgt_chap_secret s = { a->user, a->secret, a->secret_len };

		if (a->outgoing) {
			outgoing = s;
			creds.outgoing = &outgoing;
		} else {
			incoming[creds.nr_incoming++] = s;
		}
	}
	creds.incoming = incoming;
	ret = ktgt_chap_step(&login->chap, &login->chap_keys, &creds, &ktgt_chap_kernel_ops,
			     out, why);
	kfree(incoming);
	return ret;
}

/*
 * AuthMethod and CHAP. A target with incoming accounts takes CHAP only;
 * one without takes None only. The security stage is left only once the
 * agreed method is done: until then transit is refused (T=0).
 */
static int login_auth(struct ktgt_conn *conn, u8 csg, bool *transit, struct ktgt_text_buf *out,
		      const char **why)
{
	struct ktgt_login *login = conn->login;
	bool need_chap = false;
	u32 i;
	int ret;

	for (i = 0; i < login->nr_accounts; i++)
		need_chap |= !login->accounts[i].outgoing;

	if (login->auth_offered) {
		login->auth_offered = false;
		if (need_chap && auth_offered(login->auth_offer, "CHAP")) {
			login->auth = KTGT_AUTH_CHAP;
		} else if (!need_chap && auth_offered(login->auth_offer, "None")) {
			login->auth = KTGT_AUTH_NONE;
		} else {
			*why = need_chap ? "the target needs CHAP" :
					   "the target has no CHAP accounts";
			return ISCSI_LOGIN_AUTH_FAILED;
		}
		if (ktgt_text_add(out, "AuthMethod",
				  login->auth == KTGT_AUTH_CHAP ? "CHAP" : "None"))
			return ISCSI_LOGIN_TARGET_ERROR;
	}

	if (login->chap_keys.seen) {
		if (login->auth != KTGT_AUTH_CHAP || csg != ISCSI_STAGE_SECURITY) {
			*why = "CHAP keys without CHAP";
			return ISCSI_LOGIN_AUTH_FAILED;
		}
		ret = login_chap(login, out, why);
		if (ret)
			return ret == -EPROTO ? ISCSI_LOGIN_AUTH_FAILED : ISCSI_LOGIN_TARGET_ERROR;
	}

	if (csg == ISCSI_STAGE_SECURITY && *transit) {
		if (login->auth == KTGT_AUTH_UNDECIDED) {
			*why = "no agreed AuthMethod";
			return ISCSI_LOGIN_AUTH_FAILED;
		}
		if (login->auth == KTGT_AUTH_CHAP && login->chap.state != CHAP_DONE)
			*transit = false;
	}
	if (need_chap && csg != ISCSI_STAGE_SECURITY && login->chap.state != CHAP_DONE) {
		*why = "the target needs CHAP";
		return ISCSI_LOGIN_AUTH_FAILED;
	}
	if (login->chap.state == CHAP_DONE && login->chap_keys.seen)
		pr_debug("CHAP user %s authenticated\n", login->chap.user);
	return 0;
}

/* who is logging in, to what, and may they? */
static int login_check_target(struct ktgt_conn *conn)
{
	struct ktgt_login *login = conn->login;
	struct ktgt_target *t;
	int status = 0;

	if (!login->initiator[0])
		return ISCSI_LOGIN_MISSING_PARAM;
	if (login->discovery) {
		if (login->tsih)
			return ISCSI_LOGIN_NO_SESSION;
		/* discovery accounts, if any, make discovery need CHAP too */
		mutex_lock(&ktgt_cfg_mutex);
		status = login_copy_accounts(login, &ktgt_discovery_accounts);
		mutex_unlock(&ktgt_cfg_mutex);
		return status;
	}
	if (!login->target_name[0])
		return ISCSI_LOGIN_MISSING_PARAM;

	mutex_lock(&ktgt_cfg_mutex);
	t = ktgt_target_find(login->target_name);
	if (!t || !ktgt_target_has_portal(t, conn->portal))
		status = ISCSI_LOGIN_NOT_FOUND;
	else if (!ktgt_acl_allows(t, login->initiator, &conn->peer))
		status = ISCSI_LOGIN_AUTHORIZATION;	/* 0x0202, RFC 7143 11.13.5 */
	if (!status) {
		kref_get(&t->ref);
		login->target = t;
		login->ours = t->params;
		status = login_copy_accounts(login, &t->accounts);
	}
	mutex_unlock(&ktgt_cfg_mutex);
	if (status)
		return status;

	/* one connection per session: adding one to a session is refused */
	if (login->tsih)
		return ISCSI_LOGIN_NO_SESSION;
	return 0;
}

static int login_finish(struct ktgt_conn *conn)
{
	struct ktgt_login *login = conn->login;
	int ret;

	conn->params = login->neg.result;
	ret = ktgt_session_create(conn, login->target, login->initiator, login->isid,
				  login->discovery, login->cmdsn);
	if (ret)
		return ret;
	login->target = NULL;	/* the session owns the reference now */
	if (conn->params.max_recv_dsl > conn->rx_buf_size) {
		char *buf = kvmalloc(conn->params.max_recv_dsl, GFP_KERNEL);

		if (!buf)
			return -ENOMEM;
		kvfree(conn->rx_buf);
		conn->rx_buf = buf;
		conn->rx_buf_size = conn->params.max_recv_dsl;
	}
	return 0;
}

/**
 * ktgt_login_pdu() - handle one request of the login phase
 * @conn: connection in KTGT_CONN_LOGIN
 * @data: its data segment, or NULL when it was not collected
 * @len: data segment length
 *
 * Answers every request with a Login Response. A failed login gets its
 * status and the connection closes once the response is out.
 *
 * Return: 0, or a negative errno when the connection must drop at once.
 */
int ktgt_login_pdu(struct ktgt_conn *conn, void *data, u32 len)
{
	struct ktgt_login *login = conn->login;
	const struct iscsi_bhs *h = &conn->rx_bhs;
	u8 csg = ISCSI_LOGIN_CSG(h->flags), nsg = ISCSI_LOGIN_NSG(h->flags);
	bool transit = h->flags & ISCSI_LOGIN_TRANSIT;
	const char *why = "authentication";
	struct ktgt_kv ops[KTGT_LOGIN_MAX_OPS];
	struct ktgt_text_buf out;
	struct ktgt_pdu *pdu;
	u32 nr_ops = 0, i;
	u8 flags;
	int status;

	if (iscsi_bhs_opcode(h) != ISCSI_OP_LOGIN_REQ)
		return login_fail(conn, ISCSI_LOGIN_INVALID_REQUEST, "not a login request");
	if (!data)
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "login data too long");

	if (!login->started) {
		ktgt_params_target_defaults(&login->ours);
		ktgt_neg_init(&login->neg, &login->ours, false);
		status = login_first(conn, h);
		if (status)
			return login_fail(conn, status, "unsupported version");
		login->stage = csg;
	} else if (iscsi_login_isid(h) != login->isid || iscsi_login_tsih(h) != login->tsih) {
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "ISID or TSIH changed");
	}

	if (csg != login->stage || csg == 2 || csg == ISCSI_STAGE_FULL_FEATURE)
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "wrong stage");
	if (transit && (h->flags & ISCSI_LOGIN_CONTINUE))
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "T and C both set");
	if (transit && (nsg <= csg || nsg == 2))
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "bad next stage");

	/* keys split over several requests (C bit) are collected first */
	if (login->text_len + len > KTGT_TEXT_MAX)
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "login text too long");
	if (h->flags & ISCSI_LOGIN_CONTINUE || login->text) {
		char *text = kvrealloc_compat(login->text, login->text_len,
					      login->text_len + len, GFP_KERNEL);

		if (!text)
			return -ENOMEM;
		memcpy(text + login->text_len, data, len);
		login->text = text;
		login->text_len += len;
		if (h->flags & ISCSI_LOGIN_CONTINUE) {
			pdu = login_rsp(conn, csg << 2, 0);
			if (!pdu)
				return -ENOMEM;
			ktgt_pdu_queue(conn, pdu);
			return 0;
		}
		data = login->text;
		len = login->text_len;
	}

	ktgt_text_buf_init(&out, login->reply, sizeof(login->reply));
	status = login_keys(conn, data, len, &out, ops, &nr_ops);
	if (!status && !login->tpgt_sent) {
		status = login_check_target(conn);
		if (!status && !login->discovery) {
			/* from here on, the target's own offers */
			login->neg.ours = &login->ours;
			login->neg.result.max_recv_dsl = login->ours.max_recv_dsl;
			if (ktgt_text_add_u32(&out, "TargetPortalGroupTag", KTGT_TPGT))
				status = ISCSI_LOGIN_TARGET_ERROR;
		}
		login->tpgt_sent = true;
	}
	for (i = 0; !status && i < nr_ops; i++)
		if (ktgt_neg_key(&login->neg, &ops[i]) == KTGT_NEG_DUPLICATE)
			status = ISCSI_LOGIN_INITIATOR_ERROR;
	/* ops point into the text: free it only now */
	kvfree(login->text);
	login->text = NULL;
	login->text_len = 0;
	if (status)
		return login_fail(conn, status, "bad keys, or the target refuses");
	status = login_auth(conn, csg, &transit, &out, &why);
	if (status)
		return login_fail(conn, status, why);

	if (ktgt_neg_reply(&login->neg, &out, transit && nsg == ISCSI_STAGE_FULL_FEATURE))
		return login_fail(conn, ISCSI_LOGIN_INITIATOR_ERROR, "reply too long");

	flags = csg << 2;
	if (transit)
		flags |= ISCSI_LOGIN_TRANSIT | nsg;
	pdu = login_rsp(conn, flags, 0);
	if (!pdu)
		return -ENOMEM;
	if (out.len) {
		pdu->data = kmemdup(out.buf, out.len, GFP_KERNEL);
		if (!pdu->data) {
			ktgt_pdu_free(pdu);
			return -ENOMEM;
		}
		pdu->dlen = out.len;
	}

	if (transit && nsg == ISCSI_STAGE_FULL_FEATURE) {
		int ret = login_finish(conn);
		u32 exp, max;

		if (ret) {
			ktgt_pdu_free(pdu);
			return login_fail(conn, ret == -ENODEV ? ISCSI_LOGIN_TARGET_REMOVED :
					  ISCSI_LOGIN_NO_RESOURCES, "cannot create the session");
		}
		put_unaligned_be16(conn->sess->tsih, pdu->bhs.lun + 6);
		ktgt_cmdsn_window(conn->sess, &exp, &max);
		pdu->bhs.max_sn = cpu_to_be32(max);
		ktgt_pdu_queue(conn, pdu);
		ktgt_login_free(conn);
		ktgt_conn_logged_in(conn);
		return 0;
	}
	if (transit)
		login->stage = nsg;
	ktgt_pdu_queue(conn, pdu);
	return 0;
}
