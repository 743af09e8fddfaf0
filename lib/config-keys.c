#include <string.h>

#include "config-keys.h"

const struct para_config_key para_config_keys[] = {
	{ "para.base", PARA_CONFIG_STRING, NULL },
	{ "para.remote", PARA_CONFIG_STRING, "origin" },
	{ "para.branchPrefix", PARA_CONFIG_STRING, "solve/" },
	{ "para.worktreeDir", PARA_CONFIG_STRING, NULL },
	{ "para.jobs", PARA_CONFIG_INT, NULL },
	{ "para.maxLoad", PARA_CONFIG_STRING, NULL },
	{ "para.memFree", PARA_CONFIG_SIZE, NULL },
	{ "para.startDelay", PARA_CONFIG_DURATION, NULL },
	{ "para.budget", PARA_CONFIG_STRING, NULL },
	{ "para.taskBudget", PARA_CONFIG_STRING, NULL },
	{ "para.onLimit", PARA_CONFIG_STRING, "wait" },
	{ "para.limitWait", PARA_CONFIG_DURATION, "60s" },
	{ "para.command", PARA_CONFIG_STRING, NULL },
	{ "para.timeout", PARA_CONFIG_DURATION, NULL },
	{ "para.idleTimeout", PARA_CONFIG_DURATION, NULL },
	{ "para.idleAction", PARA_CONFIG_STRING, "mark" },
	{ "para.notify", PARA_CONFIG_STRING, NULL },
	{ "para.killGrace", PARA_CONFIG_DURATION, "10s" },
	{ "para.retries", PARA_CONFIG_INT, "0" },
	{ "para.autoCommit", PARA_CONFIG_BOOL, "true" },
	{ "para.setup", PARA_CONFIG_STRING, NULL },
	{ "para.hook.<event>", PARA_CONFIG_MULTI, NULL },
	{ "para.hookTimeout", PARA_CONFIG_DURATION, "30s" },
	{ "para.verifyTimeout", PARA_CONFIG_DURATION, NULL },
	{ "para.copy", PARA_CONFIG_MULTI, NULL },
	{ "para.copyMode", PARA_CONFIG_STRING, "reflink" },
	{ "para.sharedPath", PARA_CONFIG_MULTI, NULL },
	{ "para.sparseContext", PARA_CONFIG_MULTI, NULL },
	{ "para.symlink", PARA_CONFIG_MULTI, NULL },
	{ "para.requireDomain", PARA_CONFIG_BOOL, "false" },
	{ "para.integrationBranch", PARA_CONFIG_STRING, "para/integration" },
	{ "para.issueCommand", PARA_CONFIG_STRING,
	  "gh issue view \"$PARA_ISSUE\" --json number,title,body,labels,url" },
	{ "para.issueListCommand", PARA_CONFIG_STRING,
	  "gh issue list --search \"$PARA_QUERY\" --json number" },
	{ "para.precious", PARA_CONFIG_MULTI, NULL },
	{ "para.prCloses", PARA_CONFIG_BOOL, "true" },
	{ "para.prCommand", PARA_CONFIG_STRING,
	  "gh pr create --base \"$PARA_BASE_BRANCH\" --head \"$PARA_BRANCH\" "
	  "--title \"$PARA_TITLE\" --body-file \"$PARA_BODY_FILE\" "
	  "${PARA_DRAFT:+--draft}" },
	{ "para.prLogLines", PARA_CONFIG_INT, "0" },
	{ "para.prStateCommand", PARA_CONFIG_STRING,
	  "gh pr view \"$PARA_PR_URL\" --json state,mergedAt,statusCheckRollup" },
	{ "para.prTitle", PARA_CONFIG_STRING, NULL },
	{ "para.launcher", PARA_CONFIG_STRING, NULL },
	{ "para.portRange", PARA_CONFIG_STRING, NULL },
	{ "para.portsPerTask", PARA_CONFIG_INT, "1" },
	{ "para.retryFresh", PARA_CONFIG_BOOL, "false" },
	{ "para.verify", PARA_CONFIG_STRING, NULL },
	{ "para.backend", PARA_CONFIG_STRING, "local" },
	{ "para.slurmOptions", PARA_CONFIG_STRING, NULL },
	{ "para.runner", PARA_CONFIG_STRING, "headless" },
	{ "para.resumeCommand", PARA_CONFIG_STRING, NULL },
	{ "color.para", PARA_CONFIG_STRING, NULL },
};

const size_t para_config_keys_nr =
	sizeof(para_config_keys) / sizeof(*para_config_keys);

const struct para_config_key *para_config_key_find(const char *name)
{
	size_t i;

	for (i = 0; i < para_config_keys_nr; i++)
		if (!strcmp(para_config_keys[i].name, name))
			return &para_config_keys[i];
	return NULL;
}

const char *para_config_type_name(enum para_config_type type)
{
	switch (type) {
	case PARA_CONFIG_STRING: return "string";
	case PARA_CONFIG_BOOL: return "bool";
	case PARA_CONFIG_INT: return "int";
	case PARA_CONFIG_DURATION: return "duration";
	case PARA_CONFIG_SIZE: return "size";
	case PARA_CONFIG_MULTI: return "multi";
	}
	return "?";
}
