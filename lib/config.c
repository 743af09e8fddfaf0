#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config-keys.h"
#include "duration.h"
#include "size.h"
#include "error-git.h"
#include "strbuf.h"

struct para_config {
	git_config *snapshot;
	struct para_strvec keys;	/* `-c` overrides, in order */
	struct para_strvec values;
};

/* "Section.Sub.Key" -> "section.Sub.key": git folds all but the subsection. */
static void canonical_key(char *key)
{
	char *first = strchr(key, '.');
	char *last = strrchr(key, '.');
	char *p;

	for (p = key; *p; p++)
		if (!first || p < first || p > last)
			*p = (char)tolower((unsigned char)*p);
}

/*
 * Reads one word quoted the way git's sq_quote() does ('a'\''b', and
 * '!' as '\!'); returns the end of the word or NULL.
 */
static const char *read_sq(struct para_strbuf *word, const char *p)
{
	while (*p == '\'') {
		const char *end = strchr(p + 1, '\'');

		if (!end)
			return NULL;
		para_strbuf_add(word, p + 1, (size_t)(end - p - 1));
		p = end + 1;
		if (*p != '\\' || !p[1] || p[2] != '\'')
			break;
		para_strbuf_addch(word, p[1]);
		p += 2;
	}
	return p;
}

static void push_pair(struct para_strvec *keys, struct para_strvec *values,
		      char *key, const char *value)
{
	canonical_key(key);
	para_strvec_push(keys, key);
	para_strvec_push(values, value ? value : "");
	if (!value) {
		/* a `-c key` without `=value`: git reads it as true */
		free(values->v[values->nr - 1]);
		values->v[values->nr - 1] = NULL;
	}
}

int para_config_parse_parameters(struct para_strvec *keys,
				 struct para_strvec *values, const char *text)
{
	struct para_strbuf key = PARA_STRBUF_INIT, value = PARA_STRBUF_INIT;
	const char *p = text;
	int error = 0;

	while (p && *p) {
		int has_value = 0;

		p += strspn(p, " \t\n");
		if (!*p)
			break;
		para_strbuf_reset(&key);
		para_strbuf_reset(&value);
		if (*p != '\'' || !(p = read_sq(&key, p))) {
			error = para_error_set(PARA_EINVALID,
				"bogus format in GIT_CONFIG_PARAMETERS");
			goto out;
		}
		if (*p == '=') {
			has_value = 1;
			if (p[1] == '\'') {
				p = read_sq(&value, p + 1);
				if (!p) {
					error = para_error_set(PARA_EINVALID,
						"bogus format in GIT_CONFIG_PARAMETERS");
					goto out;
				}
			} else if (!p[1] || isspace((unsigned char)p[1])) {
				/* 'key'= alone: `-c key` without a value */
				has_value = 0;
				p++;
			} else {
				error = para_error_set(PARA_EINVALID,
					"bogus format in GIT_CONFIG_PARAMETERS");
				goto out;
			}
		} else {
			/* old format: the whole 'key=value' in one word */
			char *eq = strchr(key.buf, '=');

			if (eq) {
				has_value = 1;
				para_strbuf_addstr(&value, eq + 1);
				para_strbuf_setlen(&key, (size_t)(eq - key.buf));
			}
		}
		if (key.alloc)
			push_pair(keys, values, key.buf,
				  has_value ? value.buf : NULL);
	}
out:
	para_strbuf_dispose(&key);
	para_strbuf_dispose(&value);
	return error;
}

/* GIT_CONFIG_COUNT, GIT_CONFIG_KEY_<n>, GIT_CONFIG_VALUE_<n> (git 2.31) */
static int read_config_count(struct para_config *config)
{
	const char *env = getenv("GIT_CONFIG_COUNT");
	char *end, name[64];
	unsigned long i, n;

	if (!env || !*env)
		return 0;
	errno = 0;
	n = strtoul(env, &end, 10);
	if (*end || errno || n > 100000)
		return para_error_set(PARA_EINVALID,
			"bogus count in GIT_CONFIG_COUNT");
	for (i = 0; i < n; i++) {
		const char *key, *value;
		char *copy;

		snprintf(name, sizeof(name), "GIT_CONFIG_KEY_%lu", i);
		key = getenv(name);
		if (!key || !*key)
			return para_error_set(PARA_EINVALID,
				"missing config key %s", name);
		snprintf(name, sizeof(name), "GIT_CONFIG_VALUE_%lu", i);
		value = getenv(name);
		if (!value)
			return para_error_set(PARA_EINVALID,
				"missing config value %s", name);
		copy = para_strdup(key);
		push_pair(&config->keys, &config->values, copy, value);
		free(copy);
	}
	return 0;
}

/* As git does: the environment's pairs first, then `-c`. */
static int read_overrides(struct para_config *config)
{
	const char *params = getenv("GIT_CONFIG_PARAMETERS");
	int error;

	if ((error = read_config_count(config)) < 0)
		return error;
	if (params && (error = para_config_parse_parameters(&config->keys,
					&config->values, params)) < 0)
		return error;
	return 0;
}

int para_config_open(struct para_config **out, struct para_repo *repo)
{
	struct para_config *config = para_calloc(1, sizeof(*config));
	git_config *live = NULL;
	int error = 0;

	*out = NULL;
	if (git_repository_config(&live, repo->git) < 0 ||
	    git_config_snapshot(&config->snapshot, live) < 0) {
		error = para_error_git(PARA_ERROR, "cannot read configuration");
		goto out;
	}
	if ((error = read_overrides(config)) < 0)
		goto out;
	*out = config;
	config = NULL;
out:
	git_config_free(live);
	para_config_free(config);
	return error;
}

static void overrides_dispose(struct para_config *config)
{
	size_t i;

	para_strvec_dispose(&config->keys);
	/* values may hold NULL holes: free them one by one */
	for (i = 0; i < config->values.nr; i++)
		free(config->values.v[i]);
	free(config->values.v);
}

void para_config_free(struct para_config *config)
{
	if (!config)
		return;
	git_config_free(config->snapshot);
	overrides_dispose(config);
	free(config);
}

/*
 * Finds the last `-c` override of `key`: returns 1 and sets `*value`
 * (NULL for a bare key) when there is one.
 */
static int find_override(const char **value, struct para_config *config,
			 const char *key)
{
	char *canon = para_strdup(key);
	size_t i;
	int found = 0;

	canonical_key(canon);
	for (i = config->keys.nr; i-- > 0;) {
		if (!strcmp(config->keys.v[i], canon)) {
			*value = config->values.v[i];
			found = 1;
			break;
		}
	}
	free(canon);
	return found;
}

/* Looks `key` up; `*bare` is set for a `-c key` with no value. */
static int lookup(const char **out, int *bare, struct para_config *config,
		  const char *key)
{
	git_config_entry *entry = NULL;
	const char *value = NULL;
	int error;

	*bare = 0;
	if (find_override(&value, config, key)) {
		*bare = !value;
		*out = value ? value : "";
		return 0;
	}
	error = git_config_get_entry(&entry, config->snapshot, key);
	if (error == GIT_ENOTFOUND)
		return PARA_ENOTFOUND;
	if (error < 0)
		return para_error_git(PARA_ERROR, "cannot read '%s'", key);
	/* a bare `key` line in a config file: git reads it as true */
	*bare = !entry->value;
	git_config_entry_free(entry);
	if (*bare) {
		*out = "";
		return 0;
	}
	if (git_config_get_string(&value, config->snapshot, key) < 0)
		return para_error_git(PARA_ERROR, "cannot read '%s'", key);
	*out = value;
	return 0;
}

int para_config_get_string(const char **out, struct para_config *config,
			   const char *key)
{
	const char *value = NULL;
	int bare, error = lookup(&value, &bare, config, key);

	if (error < 0)
		return error;
	if (bare)
		return para_error_set(PARA_EINVALID,
			"missing value for '%s'", key);
	*out = value;
	return 0;
}

int para_config_get_bool(int *out, struct para_config *config,
			 const char *key)
{
	const char *value = NULL;
	int bare, error = lookup(&value, &bare, config, key);

	if (error < 0)
		return error;
	if (bare) {
		*out = 1;
		return 0;
	}
	return para_config_parse_bool(out, value, key);
}

int para_config_parse_bool(int *out, const char *value, const char *key)
{
	static const char *yes[] = { "true", "yes", "on", "1" };
	static const char *no[] = { "false", "no", "off", "0", "" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		if (!strcasecmp(value, yes[i]))
			return (*out = 1), 0;
	for (i = 0; i < sizeof(no) / sizeof(*no); i++)
		if (!strcasecmp(value, no[i]))
			return (*out = 0), 0;
	return para_error_set(PARA_EINVALID,
		"bad boolean config value '%s' for '%s'", value, key);
}

int para_config_get_int(long *out, struct para_config *config,
			const char *key, long min, long max)
{
	const char *value = NULL;
	char *end;
	long n;
	int error = para_config_get_string(&value, config, key);

	if (error < 0)
		return error;
	errno = 0;
	n = strtol(value, &end, 10);
	if (!*value || *end || errno || n < min || n > max)
		return para_error_set(PARA_EINVALID,
			"bad numeric config value '%s' for '%s': expected a whole number from %ld to %ld",
			value, key, min, max);
	*out = n;
	return 0;
}

int para_config_get_duration(long long *out, struct para_config *config,
			     const char *key)
{
	const char *value = NULL;
	int error = para_config_get_string(&value, config, key);

	if (error < 0)
		return error;
	if (para_duration_parse(out, value) < 0)
		return para_error_set(PARA_EINVALID,
			"bad duration config value '%s' for '%s': expected e.g. 90s, 30m or 2h",
			value, key);
	return 0;
}

int para_config_get_size(long long *out, struct para_config *config,
			 const char *key)
{
	const char *value = NULL;
	int error = para_config_get_string(&value, config, key);

	if (error < 0)
		return error;
	if (para_size_parse(out, value) < 0)
		return para_error_set(PARA_EINVALID,
			"bad size config value '%s' for '%s': expected e.g. 512M or 2G",
			value, key);
	return 0;
}

static int collect_value(const git_config_entry *entry, void *payload)
{
	/* a bare key has no value, and adds none */
	if (entry->value)
		para_strvec_push(payload, entry->value);
	return 0;
}

/* The values of `key` in `files` (a snapshot, or the live config). */
static int get_all(struct para_strvec *out, git_config *files,
		   const struct para_config *config, const char *key)
{
	char *canon = para_strdup(key);
	size_t i;
	int error;

	error = git_config_get_multivar_foreach(files, key, NULL,
						collect_value, out);
	if (error < 0 && error != GIT_ENOTFOUND) {
		free(canon);
		return para_error_git(PARA_ERROR, "cannot read '%s'", key);
	}
	canonical_key(canon);
	for (i = 0; i < config->keys.nr; i++)
		if (!strcmp(config->keys.v[i], canon) && config->values.v[i])
			para_strvec_push(out, config->values.v[i]);
	free(canon);
	return 0;
}

int para_config_get_all(struct para_strvec *out, struct para_config *config,
			const char *key)
{
	return get_all(out, config->snapshot, config, key);
}

int para_config_get_all_now(struct para_strvec *out, struct para_repo *repo,
			    const char *key)
{
	struct para_config overrides = { NULL, PARA_STRVEC_INIT,
					 PARA_STRVEC_INIT };
	git_config *live = NULL;
	int error;

	/* libgit2 reads a file of it again when the file changed */
	if (git_repository_config(&live, repo->git) < 0)
		error = para_error_git(PARA_ERROR, "cannot read configuration");
	else if (!(error = read_overrides(&overrides)))
		error = get_all(out, live, &overrides, key);
	git_config_free(live);
	overrides_dispose(&overrides);
	return error;
}

/* Are there pairs of the environment's or `-c` to overlay? */
static int has_overrides(void)
{
	const char *count = getenv("GIT_CONFIG_COUNT");
	const char *params = getenv("GIT_CONFIG_PARAMETERS");

	return (count && *count) || (params && *params);
}

int para_config_get_last_now(char **out, struct para_repo *repo,
			     const char *key)
{
	struct para_strvec all = PARA_STRVEC_INIT;
	git_config_entry *entry = NULL;
	git_config *live = NULL;
	int error;

	*out = NULL;
	/* one lookup, where libgit2 needs no walk of all the entries */
	if (!has_overrides()) {
		if (git_repository_config(&live, repo->git) < 0)
			return para_error_git(PARA_ERROR,
					      "cannot read configuration");
		error = git_config_get_entry(&entry, live, key);
		if (!error && entry->value)
			*out = para_strdup(entry->value);
		git_config_entry_free(entry);
		git_config_free(live);
		if (error == GIT_ENOTFOUND || (!error && *out))
			return 0;
		if (error < 0)
			return para_error_git(PARA_ERROR, "cannot read '%s'",
					      key);
	}
	/* -c to overlay, or a bare key (it adds no value): the whole list */
	if (!(error = para_config_get_all_now(&all, repo, key)) && all.nr)
		*out = para_strdup(all.v[all.nr - 1]);
	para_strvec_dispose(&all);
	return error;
}

/* The default of a key of the table, when it has one and is not set. */
static const char *table_default(int error, const char *key)
{
	const struct para_config_key *k = para_config_key_find(key);

	if (error != PARA_ENOTFOUND || !k || !k->def)
		return NULL;
	para_error_clear();
	return k->def;
}

int para_config_string(const char **out, struct para_config *config,
		       const char *key)
{
	int error = para_config_get_string(out, config, key);
	const char *def = table_default(error, key);

	if (!def)
		return error;
	*out = def;
	return 0;
}

int para_config_bool(int *out, struct para_config *config, const char *key)
{
	int error = para_config_get_bool(out, config, key);
	const char *def = table_default(error, key);

	return def ? para_config_parse_bool(out, def, key) : error;
}

int para_config_duration(long long *out, struct para_config *config,
			 const char *key)
{
	int error = para_config_get_duration(out, config, key);
	const char *def = table_default(error, key);

	if (!def)
		return error;
	return para_duration_parse(out, def) < 0 ?
		para_error_set(PARA_EINVALID, "bad default for '%s'", key) : 0;
}
