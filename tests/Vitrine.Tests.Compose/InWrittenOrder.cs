using System.Runtime.CompilerServices;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Vitrine.Tests.Compose;

/// <summary>Marks a test with its line, so <see cref="InWrittenOrder"/> runs a class's tests top to bottom.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute([CallerLineNumber] int line = 0) : FactAttribute
{
    public int Line { get; } = line;
}

/// <summary>Orders test cases by the line of their [Step] attribute.</summary>
public sealed class InWrittenOrder : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(testCase => testCase.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName)
            .FirstOrDefault()?.GetConstructorArguments().OfType<int>().FirstOrDefault() ?? 0);
}
