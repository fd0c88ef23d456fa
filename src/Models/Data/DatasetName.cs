namespace FedOrleans.Models.Data;

/// <summary>The datasets the catalog knows. Spec files spell them in kebab case (<c>fashion-mnist</c>).</summary>
public enum DatasetName
{
    Mnist,
    FashionMnist,
    Digits,
}
