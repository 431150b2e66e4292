using IpsApi.Server.Cli;

return await IpsApiCli.RunAsync(args);
