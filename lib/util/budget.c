#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "budget.h"
#include "error.h"

static int invalid(const char *text)
{
	return para_error_set(PARA_EINVALID, "invalid amount '%s'", text);
}

int para_budget_parse(struct para_budget *out, const char *text)
{
	const char *p = text;
	double amount, mult = 1;
	char *end;
	size_t len;

	if (!isdigit((unsigned char)*p))
		return invalid(text);
	errno = 0;
	amount = strtod(p, &end);
	if (errno || !isfinite(amount) || amount <= 0 || end == p)
		return invalid(text);
	len = strlen(end);
	if (!strcasecmp(end, "usd")) {
		out->unit = PARA_BUDGET_USD;
		out->amount = amount;
		return 0;
	}
	if (len && tolower((unsigned char)*end) == 'k')
		mult = 1e3, end++, len--;
	else if (len && tolower((unsigned char)*end) == 'm')
		mult = 1e6, end++, len--;
	if (strcasecmp(end, "tok") || amount != floor(amount) ||
	    amount * mult > 1e15 || strpbrk(text, "eE.") )
		return invalid(text);
	out->unit = PARA_BUDGET_TOKENS;
	out->amount = amount * mult;
	return 0;
}

void para_budget_format(char *buf, size_t size, enum para_budget_unit unit,
			double amount)
{
	if (unit == PARA_BUDGET_TOKENS)
		snprintf(buf, size, "%.0ftok", amount);
	else if (amount > 0 && amount < 0.01)
		snprintf(buf, size, "%.4fusd", amount);
	else
		snprintf(buf, size, "%.2fusd", amount);
}
