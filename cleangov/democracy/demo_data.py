def build(context):
    pass
