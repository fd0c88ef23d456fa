using System.Runtime.InteropServices;
using FedOrleans.Models.Data;
using FedOrleans.Models.Llm;

namespace FedOrleans.Models.Adapters.FineTuning;

/// <summary>Builds <see cref="AnswerTask"/>s from labelled real texts and a synthetic multi-task set.</summary>
public static class AnswerTasks
{
    /// <summary>
    /// A task from labelled texts: the prompt is the text's first tokens (so that, with the question, it fits
    /// <paramref name="maxPromptTokens"/>) followed by <paramref name="question"/>, after the tokenizer's
    /// begin-of-text token where it has one (Llama); the answer is <c>" " + label</c>.
    /// Only <paramref name="labels"/> are kept (at most <paramref name="perLabel"/> texts each, drawn with the seed);
    /// every label is split into train / validation / test by <paramref name="validationFraction"/> and
    /// <paramref name="testFraction"/> (stratified, seeded). <paramref name="answerWords"/> (one per label) replaces the
    /// label as the answer text (e.g. frequent words a small base already predicts).
    /// </summary>
    public static AnswerTask FromLabeledTexts(string name, IReadOnlyList<LabeledText> items, ITextTokenizer tokenizer,
        string question, IReadOnlyList<string> labels, int maxPromptTokens, int perLabel,
        double validationFraction, double testFraction, int seed, IReadOnlyList<string>? answerWords = null)
    {
        if (answerWords is not null && answerWords.Count != labels.Count)
        {
            throw new ArgumentException($"{answerWords.Count} answer words for {labels.Count} labels");
        }
        var questionIds = tokenizer.Encode(question);
        int[] start = tokenizer.BeginOfTextId is { } bos ? [bos] : [];  // Llama tokenizers: <s> first
        int textBudget = maxPromptTokens - questionIds.Length - start.Length;
        if (textBudget < 1)
        {
            throw new ArgumentException($"maxPromptTokens {maxPromptTokens} leaves no room for the text after the question ({questionIds.Length} tokens)");
        }
        var answers = answerWords ?? labels;
        var choices = answers.Select(l => tokenizer.Encode(" " + l)).ToList();
        var random = new Random(seed);
        var train = new List<AnswerExample>();
        var validation = new List<AnswerExample>();
        var test = new List<AnswerExample>();
        for (int c = 0; c < labels.Count; c++)
        {
            var pool = items.Where(i => i.Label == labels[c]).ToArray();
            if (pool.Length < 3)
            {
                throw new ArgumentException($"{name}: label {labels[c]} has {pool.Length} texts; at least 3 are needed");
            }
            random.Shuffle(pool);
            var chosen = pool.Take(perLabel).ToArray();
            int nTest = Math.Max(1, (int)Math.Round(chosen.Length * testFraction));
            int nValidation = Math.Max(1, (int)Math.Round(chosen.Length * validationFraction));
            for (int i = 0; i < chosen.Length; i++)
            {
                var text = tokenizer.Encode(chosen[i].Text);
                var prompt = start.Concat(text.Take(textBudget)).Concat(questionIds).ToArray();
                var example = new AnswerExample(prompt, c);
                (i < nTest ? test : i < nTest + nValidation ? validation : train).Add(example);
            }
        }
        random.Shuffle(CollectionsMarshal.AsSpan(train));
        return new AnswerTask(name, answers, choices, train, validation, test);
    }

    /// <summary>
    /// A synthetic multi-task set (papers.md §5.2) on a vocabulary of <paramref name="vocabulary"/> ids: a prompt is a
    /// task token <c>t</c> (ids <c>0..tasks-1</c>) followed by <paramref name="length"/> content tokens drawn from
    /// <c>[tasks + classes, vocabulary)</c>; task <c>t</c> labels it with <c>argmax_c (W_t h)_c</c>, where <c>h</c>
    /// counts the content tokens and <c>W_t</c> is the task's own random linear teacher, so every task needs its own
    /// low-rank update. The answer tokens are the ids <c>tasks .. tasks+classes-1</c>.
    /// </summary>
    public static AnswerTask SyntheticMultiTask(int tasks, int classes, int vocabulary, int length,
        int trainCount, int validationCount, int testCount, int seed)
    {
        int contentStart = tasks + classes;
        int contentSize = vocabulary - contentStart;
        if (tasks < 1 || classes < 2 || contentSize < 2 || length < 1)
        {
            throw new ArgumentException("need at least one task, two classes, two content tokens and a positive length");
        }
        var random = new Random(seed);
        var teachers = new double[tasks, classes, contentSize];
        for (int t = 0; t < tasks; t++)
        {
            for (int c = 0; c < classes; c++)
            {
                for (int v = 0; v < contentSize; v++)
                {
                    teachers[t, c, v] = Gaussian(random);
                }
            }
        }
        AnswerExample Draw()
        {
            int t = random.Next(tasks);
            var prompt = new int[length + 1];
            prompt[0] = t;
            var scores = new double[classes];
            for (int i = 1; i <= length; i++)
            {
                int v = random.Next(contentSize);
                prompt[i] = contentStart + v;
                for (int c = 0; c < classes; c++)
                {
                    scores[c] += teachers[t, c, v];
                }
            }
            return new AnswerExample(prompt, Array.IndexOf(scores, scores.Max()));
        }
        return Synthetic($"synthetic-{tasks}x{classes}", classes, tasks, Draw, trainCount, validationCount, testCount);
    }

    /// <summary>
    /// A synthetic task of the real tasks' shape: the class is the first token (ids <c>0..classes-1</c>), then
    /// <paramref name="length"/> random content tokens and a suffix of <paramref name="suffixLength"/> tokens that is the
    /// same for every example (like "Is this e-mail spam? Answer:"); the answer is the class's answer token (ids
    /// <c>classes..2·classes-1</c>). At the answer position the input is mostly the shared suffix, and the class reaches it
    /// only through attention: the setting in which an adapter can learn a constant shift of the answer logits first.
    /// </summary>
    public static AnswerTask SyntheticSuffix(int classes, int vocabulary, int length, int suffixLength,
        int trainCount, int validationCount, int testCount, int seed)
    {
        int suffixStart = 2 * classes;
        int contentStart = suffixStart + suffixLength;
        int contentSize = vocabulary - contentStart;
        if (classes < 2 || suffixLength < 1 || contentSize < 2 || length < 0)
        {
            throw new ArgumentException("need at least two classes, a suffix, two content tokens and a length of at least 0");
        }
        var random = new Random(seed);
        AnswerExample Draw()
        {
            int c = random.Next(classes);
            var prompt = new int[1 + length + suffixLength];
            prompt[0] = c;
            for (int i = 1; i <= length; i++)
            {
                prompt[i] = contentStart + random.Next(contentSize);
            }
            for (int i = 0; i < suffixLength; i++)
            {
                prompt[1 + length + i] = suffixStart + i;
            }
            return new AnswerExample(prompt, c);
        }
        return Synthetic($"synthetic-suffix-{classes}x{length}+{suffixLength}", classes, classes, Draw, trainCount, validationCount, testCount);
    }

    /// <summary>A synthetic task whose splits are drawn in order (train, validation, test); answer <c>c</c> is the token <c>firstAnswerId + c</c>.</summary>
    private static AnswerTask Synthetic(string name, int classes, int firstAnswerId, Func<AnswerExample> draw,
        int trainCount, int validationCount, int testCount)
    {
        var train = Enumerable.Range(0, trainCount).Select(_ => draw()).ToList();
        var validation = Enumerable.Range(0, validationCount).Select(_ => draw()).ToList();
        var test = Enumerable.Range(0, testCount).Select(_ => draw()).ToList();
        var choices = Enumerable.Range(0, classes).Select(c => new[] { firstAnswerId + c }).ToList();
        var names = Enumerable.Range(0, classes).Select(c => $"class{c}").ToList();
        return new AnswerTask(name, names, choices, train, validation, test);
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>The real-data tasks by name (fetched beforehand): <c>spam</c> (SpamAssassin ham/spam, asked as " no"/" yes"),
    /// <c>sotu</c> (State of the Union party), <c>brown</c> (four Brown genres).</summary>
    public static AnswerTask Real(string name, DataCache cache, ITextTokenizer tokenizer, int seed = 1) => name switch
    {
        "spam" => FromLabeledTexts("spam-assassin", LabeledTexts.Load(DatasetName.SpamAssassin, cache), tokenizer,
            "\nIs this e-mail spam? Answer:", ["ham", "spam"], 64, 300, 0.1, 0.2, seed, ["no", "yes"]),
        "sotu" => FromLabeledTexts("sotu-party", LabeledTexts.Load(DatasetName.StateOfTheUnion, cache), tokenizer,
            "\nParty of the speaker:", ["Republican", "Democratic"], 128, 92, 0.15, 0.25, seed),
        "brown" => FromLabeledTexts("brown-genre", LabeledTexts.Load(DatasetName.BrownCorpus, cache), tokenizer,
            "\nGenre:", ["news", "learned", "fiction", "romance"], 96, 80, 0.2, 0.25, seed),
        _ => throw new ArgumentException($"unknown task '{name}'; use spam, sotu or brown"),
    };

    /// <summary>The dataset a real task reads, or SpamAssassin for an unknown name (the spec parser reports that one).</summary>
    public static DatasetName RealDatasetOrDefault(string name) => name is "spam" or "sotu" or "brown" ? RealDataset(name) : DatasetName.SpamAssassin;

    /// <summary>The dataset a real task reads.</summary>
    public static DatasetName RealDataset(string name) => name switch
    {
        "spam" => DatasetName.SpamAssassin,
        "sotu" => DatasetName.StateOfTheUnion,
        "brown" => DatasetName.BrownCorpus,
        _ => throw new ArgumentException($"unknown task '{name}'; use spam, sotu or brown"),
    };
}
