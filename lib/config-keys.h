#ifndef PARA_CONFIG_KEYS_H
#define PARA_CONFIG_KEYS_H

#include <stddef.h>

/*
 * Every configuration key git-para reads, spelled as documented in
 * Documentation/config/para.adoc, with its default: the one place both
 * are written.  t9001 checks the table against that page.
 */

enum para_config_type {
	PARA_CONFIG_STRING,
	PARA_CONFIG_BOOL,
	PARA_CONFIG_INT,
	PARA_CONFIG_DURATION,
	PARA_CONFIG_SIZE,	/* an amount of memory: 512M, 2G */
	PARA_CONFIG_MULTI	/* multi-valued: a list of strings */
};

struct para_config_key {
	const char *name;
	enum para_config_type type;
	const char *def;	/* as a user would write it; NULL when there
				   is none or it is worked out (see the page) */
};

extern const struct para_config_key para_config_keys[];
extern const size_t para_config_keys_nr;

/* The key spelled exactly `name`, or NULL. */
const struct para_config_key *para_config_key_find(const char *name);

/* The name of a type, as the table dump shows it. */
const char *para_config_type_name(enum para_config_type type);

#endif
