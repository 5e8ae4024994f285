"""Discord glue: one cog per command group. A cog parses options, asks bot.questions, sends the Answer."""
