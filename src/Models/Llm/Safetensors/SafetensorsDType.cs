namespace FedOrleans.Models.Llm.Safetensors;

/// <summary>Element types of the safetensors format, spelled as in its JSON header ("F32", "BF16", ...).</summary>
public enum SafetensorsDType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}
