using System.CommandLine;
using FedOrleans.Models.Specs;
using Spectre.Console;

namespace FedOrleans.Client.Cli;

/// <summary><c>fedorleans spec keys</c>: every key an experiment spec can have, from the parser itself.</summary>
public static class SpecCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "list every key of an experiment spec: type, default, what it allows, and the kinds of experiment that read it");
        keys.SetAction(_ =>
        {
            var table = new Table().AddColumns("key", "type", "default", "allowed", "experiments");
            foreach (var (key, kinds) in SpecParser.Keys().Where(k => k.Key.Type != "section"))
            {
                table.AddRow(Markup.Escape(key.Path), key.Type, Markup.Escape(key.Default), Markup.Escape(key.Allowed),
                    kinds.Count == 4 ? "all" : string.Join(", ", kinds));
            }
            AnsiConsole.Write(table);
            Console.WriteLine("A key not listed here is refused (`unknown key`), with the keys allowed in its section. Set any of them on the command line with --set path.to.key=value.");
            return ExitCodes.Ok;
        });
        return new Command("spec", "about experiment specs") { keys };
    }
}
