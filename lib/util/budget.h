#ifndef PARA_BUDGET_H
#define PARA_BUDGET_H

#include <stddef.h>

/*
 * An amount to spend: US dollars ("25usd", "2.50usd") or tokens
 * ("2000000tok", also with a k or m multiplier: "2mtok").
 */
enum para_budget_unit {
	PARA_BUDGET_NONE = 0,
	PARA_BUDGET_USD,
	PARA_BUDGET_TOKENS
};

struct para_budget {
	enum para_budget_unit unit;
	double amount;
};

/*
 * Parses an amount: a positive number followed by `usd`, or a positive
 * whole number (optionally with `k` or `m`) followed by `tok` (any
 * case).  Returns 0, or PARA_EINVALID ("invalid amount 'lots'").
 */
int para_budget_parse(struct para_budget *out, const char *text);

/* "2.50usd", "0.0042usd" (four decimals below a cent), "400000tok". */
void para_budget_format(char *buf, size_t size, enum para_budget_unit unit,
			double amount);

#endif
